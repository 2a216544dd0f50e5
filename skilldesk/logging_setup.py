"""File logging, configured before anything else so crash handlers have a log.

Never log personal data (names, ID numbers, phones): log record ids, counts
and error codes only.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from skilldesk import paths

LOG_NAME = "skilldesk.log"


def setup(level: int = logging.INFO) -> Path:
    """Log to a rotating file in the user log folder; return its path."""
    path = paths.log_dir() / LOG_NAME
    root = logging.getLogger()
    if not any(getattr(h, "_skilldesk", False) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._skilldesk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    return path
