"""Layer rules (DESIGN.md §1): only ui imports Qt; storage and rules sit below core;
only storage contains SQL."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "skilldesk"

BLOCK_QT = """
import importlib.abc, pkgutil, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith(("PySide6.", "shiboken6")):
            raise ImportError("Qt is blocked outside skilldesk.ui: " + name)
sys.meta_path.insert(0, Block())
import skilldesk
for mod in pkgutil.walk_packages(skilldesk.__path__, "skilldesk."):
    if mod.name.startswith(("skilldesk.ui", "skilldesk.__main__")):
        continue
    __import__(mod.name)
print("ok")
"""


def test_everything_outside_ui_imports_with_qt_blocked():
    result = subprocess.run([sys.executable, "-c", BLOCK_QT], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


FORBIDDEN = {
    "storage": ("skilldesk.core", "skilldesk.ui", "PySide6"),
    "rules": ("skilldesk.core", "skilldesk.storage", "skilldesk.ui", "PySide6"),
    "imports": ("skilldesk.core", "skilldesk.storage", "skilldesk.ui", "PySide6"),
    "export": ("skilldesk.core", "skilldesk.storage", "skilldesk.ui", "PySide6"),
    # printed forms: plain data in, PDF out; may use rules, i18n, errors, paths
    "reports": ("skilldesk.core", "skilldesk.storage", "skilldesk.ui", "skilldesk.imports",
                "skilldesk.export", "PySide6"),
    "core": ("skilldesk.ui", "PySide6"),
    # the signing key: below core like rules; see test_signing_imports_only_errors_and_i18n
    "signing": ("skilldesk.core", "skilldesk.storage", "skilldesk.ui", "skilldesk.imports",
                "skilldesk.export", "skilldesk.reports", "skilldesk.rules", "PySide6"),
    # the sync container: like package (whose profile and envelope it reuses), no database
    "sync": ("skilldesk.core", "skilldesk.storage", "skilldesk.ui", "skilldesk.imports",
             "skilldesk.export", "skilldesk.reports", "PySide6"),
}


def test_layers_import_only_downwards():
    offences = []
    for layer, forbidden in FORBIDDEN.items():
        for path in _modules(layer):
            for name in _imports(path):
                if name.startswith(forbidden):
                    offences.append(f"{path.relative_to(PACKAGE)} imports {name}")
    for path in PACKAGE.rglob("*.py"):
        if "ui" not in path.relative_to(PACKAGE).parts:
            offences += [f"{path.relative_to(PACKAGE)} imports {n}"
                         for n in _imports(path) if n.startswith("skilldesk.ui")
                         and path.name != "__main__.py"]
    assert offences == []


def test_signing_imports_only_errors_and_i18n():
    allowed = ("skilldesk.errors", "skilldesk.i18n")
    offences = [f"{path.relative_to(PACKAGE)} imports {name}"
                for path in _modules("signing") for name in _imports(path)
                if name.startswith("skilldesk") and name not in allowed
                and not name.startswith("skilldesk.signing")]
    assert _modules("signing") and offences == []


def test_package_uses_only_the_ledger_storage():
    offences = [f"{path.relative_to(PACKAGE)} imports {name}"
                for path in _modules("package") for name in _imports(path)
                if name.startswith("skilldesk.storage") and name != "skilldesk.storage.ledger"]
    assert offences == []


SQL = re.compile(r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                 r"CREATE\s+TABLE)\b", re.IGNORECASE | re.DOTALL)


def test_only_storage_contains_sql():
    offences = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] == "storage":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and SQL.search(node.value):
                offences.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offences == []
