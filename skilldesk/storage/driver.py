"""The SQLite driver every SkillDesk database is opened with: SQLCipher's build of SQLite
(``sqlcipher3``), so the same code opens plaintext and encrypted files (issue 9).

Its exceptions are not the standard library's: catch ``driver.sqlite3.IntegrityError``
(and so on) for errors raised by a SkillDesk connection.
"""

from __future__ import annotations

from sqlcipher3 import dbapi2 as sqlite3

__all__ = ["sqlite3"]
