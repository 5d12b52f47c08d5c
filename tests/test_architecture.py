"""The layout rules of docs/architecture.md, checked on the source: imports flow one way, the
library knows no UI, and the app never goes through the command line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLANNER = ROOT / "planner"

#: What each stage may import of the project, besides itself (docs/architecture.md).
ALLOWED = {
    "domain": set(),
    "inputs": {"domain"},
    "travel": {"domain"},
    "tours": {"domain", "travel"},
    "crews": {"domain", "travel", "tours"},
    "check": {"domain"},
    "results": {"domain", "travel", "tours", "crews"},
    "planning": {"domain", "travel", "tours", "crews", "check", "results"},
    "publish": {"domain", "inputs", "travel", "tours", "crews", "check", "results", "planning"},
    "studies": {"domain", "inputs", "travel", "tours", "crews", "check", "results", "planning", "publish"},
}


def project_imports(path: Path) -> set[str]:
    """Every ``planner.…`` module a file imports (at any depth, lazy imports included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m == "planner" or m.startswith("planner.")}


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else None


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_each_stage_imports_only_the_stages_before_it(stage: str) -> None:
    """An import against the flow (e.g. the validator importing a solver) fails here, naming the file."""
    wrong = []
    for path in sorted((PLANNER / stage).rglob("*.py")):
        for module in sorted(project_imports(path)):
            target = stage_of(module)
            if module == "planner" or module == "planner.cli" or (target not in ALLOWED[stage] | {stage}):
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []


def test_every_stage_says_what_it_owns_and_may_import() -> None:
    """Each stage package opens with a docstring naming what it may import."""
    for stage in ALLOWED:
        doc = ast.get_docstring(ast.parse((PLANNER / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "import" in doc.lower(), stage


def test_the_library_knows_no_ui_and_the_app_never_calls_the_cli() -> None:
    """planner/ never imports streamlit; app.py and app_pages/ never import planner.cli."""
    for path in PLANNER.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "import streamlit" not in source and "from streamlit" not in source, path
    for path in [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]:
        assert "planner.cli" not in project_imports(path), path
