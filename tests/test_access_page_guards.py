"""Every page file guards itself first: a direct URL on a fresh server runs the file alone
(legacy page discovery), so nothing may run before `require_page(<its key>)`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from access.policy import PAGES

ROOT = Path(__file__).resolve().parents[1]
PAGE_FILES = sorted((ROOT / "pages").glob("*.py"))


def _statements(path: Path) -> list[ast.stmt]:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # module docstring
    return [s for s in body if not (isinstance(s, ast.ImportFrom) and s.module == "__future__")]


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_page_calls_require_page_before_anything_else(path):
    stmts = _statements(path)
    assert len(stmts) >= 2, f"{path.name}: empty page"
    first, second = stmts[0], stmts[1]
    assert isinstance(first, ast.ImportFrom) and first.module == "ui.auth", (
        f"{path.name}: first statement must be `from ui.auth import require_page`"
    )
    assert [a.name for a in first.names] == ["require_page"]
    assert isinstance(second, ast.Assign), f"{path.name}: second statement must be the guard"
    call = second.value
    assert isinstance(call, ast.Call) and getattr(call.func, "id", None) == "require_page"
    key = call.args[0].value
    assert key in PAGES, f"{path.name}: unknown page key {key!r}"
    assert [t.id for t in second.targets] == ["scope"]


def test_every_page_key_matches_its_file_and_the_navigation():
    from ui.nav import PAGES as NAV

    for spec in NAV:
        path = ROOT / spec.path
        if not path.exists():
            continue
        call = _statements(path)[1].value
        assert call.args[0].value == spec.key, f"{spec.path} guards {call.args[0].value!r}"
    assert {p.stem for p in PAGE_FILES} <= {Path(s.path).stem for s in NAV}, (
        "a page file exists that the navigation does not know"
    )
