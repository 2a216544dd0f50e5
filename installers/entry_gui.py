"""Frozen entry point of ``skilldesk`` (windowed): the GUI."""

import sys

from skilldesk.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
