"""The domain imports no I/O: no web framework, database, HTTP client or LLM SDK."""

from __future__ import annotations

import ast
from pathlib import Path

import tandem.domain

FORBIDDEN = (
    "fastapi", "starlette", "sqlalchemy", "alembic", "psycopg", "sqlite3", "httpx", "requests",
    "urllib.request", "http", "socket", "openai", "redis", "uvicorn", "tandem.storage",
    "tandem.web", "tandem.services", "tandem.commerce.http", "tandem.commerce.demo",
)  # fmt: skip


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.lineno, node.module))
    return found


def test_that_no_domain_module_imports_anything_that_does_io() -> None:
    root = Path(tandem.domain.__file__).parent
    offending = [
        f"{path.relative_to(root.parent)}:{line}: {name}"
        for path in sorted(root.rglob("*.py"))
        for line, name in _imports(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    ]
    assert offending == []


def test_that_the_check_would_see_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import sqlalchemy\nfrom httpx import Client\n")
    assert [name for _, name in _imports(module)] == ["sqlalchemy", "httpx"]
