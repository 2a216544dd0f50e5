"""Frozen entry point of ``skilldesk-cli`` (console): the command line."""

import sys

from skilldesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
