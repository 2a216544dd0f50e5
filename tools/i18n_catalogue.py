"""Maintain the gettext catalogue: extract msgids, update the .po, compile the .mo.

    python tools/i18n_catalogue.py update    # add new msgids to zh_CN .po, drop unused ones
    python tools/i18n_catalogue.py compile   # .po -> .mo (commit both)
    python tools/i18n_catalogue.py check     # exit 1 if anything is untranslated or stale

Msgids are found by reading the source (ast): the first string argument of
``_()`` and ``N_()``, and both strings of ``ngettext()``.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "skilldesk"
LOCALE = PACKAGE / "resources" / "locale"
LANGUAGES = ("zh_CN",)
_FIELD = re.compile(r"\{(\w*)[^{}]*\}")


def extract(package: Path = PACKAGE) -> dict[str, list[str]]:
    """msgid -> ["path:line", ...] in source order."""
    found: dict[str, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            count = {"_": 1, "N_": 1, "ngettext": 2}.get(node.func.id, 0)
            for arg in node.args[:count]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    where = f"{path.relative_to(ROOT).as_posix()}:{node.lineno}"
                    found.setdefault(arg.value, []).append(where)
    return found


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "skilldesk.po"


def fields(text: str) -> set[str]:
    return set(_FIELD.findall(text))


def update(language: str) -> None:
    path = po_path(language)
    catalogue = polib.pofile(str(path)) if path.exists() else polib.POFile()
    catalogue.metadata = {
        "Project-Id-Version": "skilldesk",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    existing = {entry.msgid: entry for entry in catalogue}
    fresh = polib.POFile()
    fresh.metadata = catalogue.metadata
    for msgid, places in extract().items():
        entry = existing.get(msgid) or polib.POEntry(msgid=msgid, msgstr="")
        entry.occurrences = [tuple(p.rsplit(":", 1)) for p in places]
        fresh.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh.save(str(path))


def compile_mo(language: str) -> None:
    path = po_path(language)
    polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))


def problems(language: str) -> list[str]:
    """Everything wrong with *language*'s catalogue (empty = complete)."""
    path = po_path(language)
    catalogue = {e.msgid: e for e in polib.pofile(str(path))}
    found: list[str] = []
    for msgid, places in extract().items():
        entry = catalogue.get(msgid)
        if entry is None or not entry.msgstr.strip():
            found.append(f"untranslated ({places[0]}): {msgid!r}")
        elif "fuzzy" in entry.flags:
            found.append(f"fuzzy ({places[0]}): {msgid!r}")
        elif fields(msgid) != fields(entry.msgstr):
            found.append(f"placeholders differ ({places[0]}): {msgid!r} -> {entry.msgstr!r}")
    mo = polib.mofile(str(path.with_suffix(".mo")))
    compiled = {e.msgid: e.msgstr for e in mo}
    for msgid, entry in catalogue.items():
        if entry.msgstr and compiled.get(msgid) != entry.msgstr:
            found.append(f".mo is stale for {msgid!r}: run tools/i18n_catalogue.py compile")
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    for language in LANGUAGES:
        if command == "update":
            update(language)
        elif command == "compile":
            compile_mo(language)
        elif command == "check":
            issues = problems(language)
            for issue in issues:
                print(issue)
            if issues:
                return 1
        else:
            print(__doc__)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
