"""Why a file is refused: `FileRefused`, its user-facing messages (one per reason code),
and the `_refuse` helper every check raises through.

Re-exported by `skilldesk.imports.reader`; kept apart so the scanning modules can raise
refusals without importing the reader.
"""

from __future__ import annotations

from skilldesk.errors import SkilldeskError
from skilldesk.i18n import N_

_MESSAGES: dict[str, str] = {
    "NOT_FOUND": N_("The file {name} was not found. It may have been moved, renamed or "
                    "deleted; choose it again."),
    "EMPTY": N_("The file {name} is empty (0 bytes). Check that you chose the right file; "
                "if it came from a USB drive or an e-mail, copy it again."),
    "NO_SHEETS": N_("The workbook {name} has no worksheets. Open it in Excel or WPS, check "
                    "that the roster is there, save, and import again."),
    "NO_SUCH_SHEET": N_("The file {name} has no sheet named “{sheet}”."),
    "NOT_A_SPREADSHEET": N_(
        "The file {name} is not a spreadsheet SkillDesk can read (.xlsx, .xls, .ods or .csv), "
        "whatever its name says. If it opens in Excel or WPS, save it there as an Excel "
        "workbook (.xlsx) and import the saved file."),
    "ENCRYPTED": N_(
        "The file {name} is protected with a password. Open it in Excel, remove the password "
        "(文件 → 信息 → 保护工作簿 → 用密码进行加密, clear the password), save, and import "
        "again."),
    "FILE_TOO_LARGE": N_(
        "The file {name} is {size} MB; SkillDesk imports files of up to {limit} MB. Split the "
        "roster into smaller files, or delete unused sheets, pictures and formatting, and "
        "import again."),
    "ZIP_BOMB": N_(
        "The file {name} would unpack to far more data than a spreadsheet of its size can "
        "hold, which is how damaged or malicious files look, so it was not opened. If you "
        "trust the file, open it in Excel, copy the roster into a new workbook, save it, and "
        "import that."),
    "XML_ENTITIES": N_(
        "The file {name} contains XML entity declarations, which Excel never writes and "
        "which are used to attack programs that read spreadsheets, so it was not opened. Ask "
        "the sender for a copy saved directly from Excel or WPS."),
    "TOO_MANY_COLUMNS": N_(
        "The sheet “{sheet}” in {name} uses columns up to number {columns}; SkillDesk reads "
        "at most {limit}. Usually a stray value or formatting far to the right causes this: "
        "delete the unused columns right of the roster in Excel, save, and import again."),
    "TOO_MANY_ROWS": N_(
        "The sheet “{sheet}” in {name} goes down to row {rows}; SkillDesk reads at most "
        "{limit} rows. Delete the unused rows below the roster (or split it into several "
        "files), save, and import again."),
    "TOO_MANY_CELLS": N_(
        "The sheet “{sheet}” in {name} spans {rows} rows × {columns} columns, more than "
        "SkillDesk can read at once. Delete the empty rows and columns around the roster, "
        "save, and import again."),
    "CELL_TOO_LARGE": N_(
        "A cell in {name} holds more than {limit} characters, more than Excel itself "
        "allows; the file is damaged or was not made by Excel. Shorten that cell, save, and "
        "import again."),
    "TEXT_TOO_LARGE": N_(
        "The sheet “{sheet}” in {name} repeats long texts so often that reading it would "
        "need more than {limit} MB of memory. Remove the long texts (notes, pasted pages) "
        "from the cells, save, and import again."),
    "UNREADABLE": N_(
        "The file {name} could not be read; it may be damaged, incompletely downloaded, or "
        "saved by a program SkillDesk does not know. Open it in Excel or WPS, save it again "
        "as an Excel workbook (.xlsx), and import the saved copy."),
    "LOCKED": N_(
        "The file {name} is open in another program (probably Excel or WPS), which keeps "
        "SkillDesk from reading it. Close the file in Excel and try again."),
    "ENCODING": N_(
        "The text file {name} is in an encoding SkillDesk does not recognise (it is neither "
        "UTF-8 nor GBK/GB18030). Open it in Excel or WPS and save it as “CSV UTF-8” or as an "
        "Excel workbook (.xlsx), then import again."),
}

_CELL_TOO_LARGE_AT = N_(
    "The cell {cell} in the sheet “{sheet}” of {name} holds {chars} characters; Excel allows "
    "at most {limit}. Shorten that cell, save, and import again.")


class FileRefused(SkilldeskError):
    """The file cannot be read, or reading it would be unsafe. `reason` is a stable code."""

    code = "E_FILE_REFUSED"
    default_msgid = N_("The file could not be imported.")

    def __init__(self, reason: str, msgid: str | None = None, *, detail: str | None = None,
                 **params: object):
        super().__init__(msgid or _MESSAGES.get(reason), detail=detail, **params)
        self.reason = reason


def _refuse(reason: str, name: str, *, detail: str | None = None, msgid: str | None = None,
            **params: object) -> FileRefused:
    return FileRefused(reason, msgid, detail=detail, name=name, **params)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}" if size >= 10 * 1024 * 1024 else f"{size / 1048576:.1f}"
