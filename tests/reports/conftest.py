from __future__ import annotations

import datetime as dt

import pytest

from tests.reports.build import demo

TODAY = dt.date(2026, 10, 25)


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The demo institution (classes in every state with attendance, results, claims)."""
    d = demo(tmp_path_factory.mktemp("reports") / "demo.skilldesk")
    yield d
    d.close()
