"""Test set-up shared by every tier.

QT_QPA_PLATFORM is set before anything imports Qt, so GUI tests run headless.
SKILLDESK_HOME points user data (settings, logs, default databases) at a
temporary folder, so tests never touch the real user's files.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["SKILLDESK_HOME"] = tempfile.mkdtemp(prefix="skilldesk-tests-")
# automatic backups (before imports, claims, migrations) stay off unless a test of them
# turns them on: they would fill every test's folder
os.environ.setdefault("SKILLDESK_NO_AUTO_BACKUP", "1")

import pytest  # noqa: E402

from skilldesk import i18n  # noqa: E402
from skilldesk.core.desk import Desk  # noqa: E402


@pytest.fixture(autouse=True)
def _english_by_default():
    """Tests assert on English msgids unless they switch language themselves;
    a test that changes the saved preferences (the CLI reads them) gets them back."""
    from skilldesk import config

    saved = config.load()
    i18n.set_language("en")
    yield
    i18n.set_language("en")
    if config.load() != saved:
        config.save(saved)


@pytest.fixture
def desk():
    """A migrated in-memory database behind the facade."""
    d = Desk.open(None)
    yield d
    d.close()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "test.skilldesk"


@pytest.fixture(autouse=True)
def _no_login_left_behind():
    """The CLI installs a process-wide login answer (Desk.credentials): not past a test."""
    yield
    from skilldesk.core.desk import Desk

    Desk.credentials = None
