"""Exports of tabular data (rosters, lists) to files people open in Excel.

Pure file writing: no Qt, no database access, no business rules. Callers
(core) fetch the rows, translate the column titles, and hand both over;
see ``skilldesk.export.tabular``.
"""
