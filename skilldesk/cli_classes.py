"""``skilldesk-cli class ...``: create, list, show and advance training classes."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``class`` and its subcommands to the command line."""
