"""``python -m skilldesk`` / ``skilldesk``: start the GUI."""

from __future__ import annotations

import sys


def main() -> int:
    from skilldesk.ui.app import main as gui_main  # Qt is imported only for the GUI

    return gui_main()


if __name__ == "__main__":
    sys.exit(main())
