"""The shape of the code that CI keeps: no project app imported inside a function, no function over 60 lines.

The layer contract itself (which app may import which) is import-linter's, run by .ci/run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("jimpitan", "households", "ledger", "nightly", "spending", "public", "reports", "demo")
MAX_FUNCTION_LINES = 60


def _app_modules() -> list[Path]:
    return sorted(path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _project_imports_in(function: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(function):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return [name for name in names if name.split(".")[0] in APPS]


def _is_app_ready(path: Path, function: ast.FunctionDef) -> bool:
    # AppConfig.ready() is where Django lets an app import models and connect its hooks at start-up.
    return path.name == "apps.py" and function.name == "ready"


def test_the_checks_see_every_app():
    assert {path.relative_to(ROOT).parts[0] for path in _app_modules()} == set(APPS)


def test_no_project_app_is_imported_inside_a_function():
    found = []
    for path in _app_modules():
        for function in _functions(ast.parse(path.read_text(), str(path))):
            if _is_app_ready(path, function):
                continue
            found += [
                f"{path.relative_to(ROOT)}:{function.lineno} {function.name}() imports {name}"
                for name in _project_imports_in(function)
            ]
    assert found == []


def test_no_function_runs_over_60_lines():
    long = []
    for path in _app_modules():
        for function in _functions(ast.parse(path.read_text(), str(path))):
            first = min([function.lineno, *(d.lineno for d in function.decorator_list)])
            length = function.end_lineno - first + 1
            if length > MAX_FUNCTION_LINES:
                long.append(f"{path.relative_to(ROOT)}:{function.lineno} {function.name}() has {length} lines")
    assert long == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("def f():\n    from ledger.models import X\n", ["ledger.models"]),
        ("def f():\n    import nightly.selectors\n", ["nightly.selectors"]),
        ("def f():\n    from weasyprint import HTML\n", []),
        ("def f():\n    from . import x\n", []),
    ],
)
def test_the_import_check_tells_project_apps_from_libraries(source, expected):
    [function] = _functions(ast.parse(source))
    assert _project_imports_in(function) == expected
