"""SQL of the bureau's ledger of accepted claim packages (its own small SQLite file; the
logic lives in skilldesk/package/ledger.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from skilldesk.errors import StorageError
from skilldesk.i18n import N_

VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS package (
    manifest_sha256 TEXT PRIMARY KEY,
    uscc TEXT NOT NULL,
    institution TEXT NOT NULL,
    seq INTEGER NOT NULL,
    prev_manifest_sha256 TEXT,
    claim_no TEXT NOT NULL,
    supersedes TEXT,
    fingerprint TEXT NOT NULL,
    trainees INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    signed_at TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    UNIQUE (uscc, seq)
) STRICT;
CREATE TABLE IF NOT EXISTS claimed (
    manifest_sha256 TEXT NOT NULL REFERENCES package(manifest_sha256),
    id_number TEXT NOT NULL,
    project TEXT NOT NULL,
    period TEXT NOT NULL,
    line_id TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS claimed_person ON claimed(id_number, project, period);
CREATE TABLE IF NOT EXISTS flag (
    id INTEGER PRIMARY KEY,
    manifest_sha256 TEXT,
    uscc TEXT,
    code TEXT NOT NULL,
    detail TEXT NOT NULL,
    at TEXT NOT NULL
) STRICT;
"""


class LedgerStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @classmethod
    def open(cls, path: Path, *, create: bool) -> "LedgerStore":
        if not create and not Path(path).exists():
            raise StorageError(N_("The ledger {path} does not exist."), path=str(path))
        try:
            conn = sqlite3.connect(str(path))
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > VERSION:
                raise StorageError(N_("The ledger {path} was written by a newer SkillDesk."),
                                   path=str(path))
            if version < VERSION:
                with conn:
                    conn.executescript(SCHEMA)
                    conn.execute(f"PRAGMA user_version = {VERSION}")
        except sqlite3.DatabaseError as exc:
            raise StorageError(N_("The ledger {path} cannot be opened: {problem}"),
                               path=str(path), problem=str(exc)) from None
        return cls(conn)

    def close(self) -> None:
        self.conn.close()

    def has_manifest(self, manifest_sha256: str) -> bool:
        return self.conn.execute("SELECT 1 FROM package WHERE manifest_sha256 = ?",
                                 (manifest_sha256,)).fetchone() is not None

    def last(self, uscc: str) -> tuple[int, str] | None:
        return self.conn.execute(
            "SELECT seq, manifest_sha256 FROM package WHERE uscc = ? ORDER BY seq DESC LIMIT 1",
            (uscc,)).fetchone()

    def claims_of(self, keys: list[tuple[str, str, str]]) -> list[tuple]:
        """Accepted claims on any of *keys* = (id_number, project, period)."""
        sql = ("SELECT c.id_number, c.project, c.period, p.uscc, p.claim_no, p.manifest_sha256 "
               "FROM claimed c JOIN package p USING (manifest_sha256) "
               "WHERE c.id_number = ? AND c.project = ? AND c.period = ?")
        rows = []
        for key in keys:
            rows += self.conn.execute(sql, key).fetchall()
        return rows

    def insert(self, package: dict, claims: list[tuple[str, str, str, str]]) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO package (manifest_sha256, uscc, institution, seq, "
                "prev_manifest_sha256, claim_no, supersedes, fingerprint, trainees, amount_fen, "
                "signed_at, accepted_at) VALUES (:manifest_sha256, :uscc, :institution, :seq, "
                ":prev_manifest_sha256, :claim_no, :supersedes, :fingerprint, :trainees, "
                ":amount_fen, :signed_at, :accepted_at)", package)
            self.conn.executemany(
                "INSERT INTO claimed (manifest_sha256, id_number, project, period, line_id) "
                "VALUES (?, ?, ?, ?, ?)",
                [(package["manifest_sha256"], *claim) for claim in claims])

    def add_flag(self, manifest_sha256: str | None, uscc: str | None, code: str, detail: str,
                 at: str) -> None:
        with self.conn:
            self.conn.execute("INSERT INTO flag (manifest_sha256, uscc, code, detail, at) "
                              "VALUES (?, ?, ?, ?, ?)", (manifest_sha256, uscc, code, detail, at))

    def packages(self) -> list[dict]:
        cur = self.conn.execute(
            "SELECT manifest_sha256, uscc, institution, seq, prev_manifest_sha256, claim_no, "
            "supersedes, fingerprint, trainees, amount_fen, signed_at, accepted_at "
            "FROM package ORDER BY uscc, seq")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def flags(self) -> list[dict]:
        cur = self.conn.execute("SELECT manifest_sha256, uscc, code, detail, at FROM flag "
                                "ORDER BY id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def duplicates(self) -> list[tuple]:
        """(id_number, project, period, uscc, claim_no) of people claimed in 2+ packages."""
        return self.conn.execute(
            "SELECT c.id_number, c.project, c.period, p.uscc, p.claim_no, p.manifest_sha256 "
            "FROM claimed c JOIN package p USING (manifest_sha256) "
            "WHERE (c.id_number, c.project, c.period) IN (SELECT id_number, project, period "
            "FROM claimed GROUP BY id_number, project, period "
            "HAVING COUNT(DISTINCT manifest_sha256) > 1) "
            "ORDER BY c.id_number, c.project, c.period, p.uscc").fetchall()
