"""Reading the forms back: text per page (pypdf), fonts (pdffonts)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def flat(text: str) -> str:
    """Text with all whitespace removed (extraction spaces CJK text unpredictably)."""
    return "".join(text.split())


def pdffonts(path: Path) -> list[list[str]]:
    """The rows of ``pdffonts`` (poppler-utils; .ci/run installs it)."""
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed; .ci/run installs it")
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]
