"""Reading spreadsheets and CSV files that users bring to SkillDesk.

`skilldesk.imports.reader` turns an .xlsx/.xlsm, .xls, .ods or .csv file into plain rows of
cells with the row numbers the user sees in Excel, and refuses hostile or unreadable files
with a `FileRefused` error that says what is wrong and what to do. It knows nothing about
rosters or the database: the importers above it decide what the cells mean. No Qt, no SQL.
"""
