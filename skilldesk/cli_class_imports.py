"""``skilldesk-cli import attendance|results|employment``: a class's records from files."""

from __future__ import annotations

import argparse


def register(import_kinds: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the class import kinds to ``skilldesk-cli import``."""
