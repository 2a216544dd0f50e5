"""Running ``skilldesk-cli`` in-process for the CLI tests."""

from __future__ import annotations

from pathlib import Path

from skilldesk.cli import main
from skilldesk.core.desk import Desk


def run(capsys, *argv) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one command."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def new_school(tmp_path: Path, capsys) -> Path:
    """A fresh institution database made with ``init``."""
    path = tmp_path / "school.skilldesk"
    assert main(["--db", str(path), "init", "--name", "示范学校",
                 "--uscc", "91110000600037341L"]) == 0
    capsys.readouterr()
    return path


def count(db: str | Path, sql: str) -> int:
    """The first column of the first row of *sql* on the database *db*."""
    desk = Desk.open(db)
    try:
        return desk.db.execute(sql).fetchone()[0]
    finally:
        desk.close()
