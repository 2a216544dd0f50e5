"""Printed forms as A4 PDFs (reportlab): the layer below ``core`` that turns plain data
into pages. No Qt, no SQL, no ``core``: ``core/reports.py`` gathers the data and calls
:func:`skilldesk.reports.render.render`."""
