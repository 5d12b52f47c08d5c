"""The layout rules of docs/architecture.md, checked on the source: imports flow one way, each stage
has a face (its package's ``__init__``) that the app and the command line import instead of its
modules, the library knows no UI, and the app never goes through the command line."""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
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

#: The command line: its entry point, its argument parsing and its commands.
CLI_FILES = [PLANNER / "cli.py", PLANNER / "cli_args.py", *sorted((PLANNER / "cli_commands").rglob("*.py"))]
CLI_MODULES = ("planner.cli", "planner.cli_args", "planner.cli_commands")
#: The app: its entry point, its pages and their helpers.
APP_FILES = [ROOT / "app.py", *sorted((ROOT / "app_pages").rglob("*.py"))]

#: Modules the light commands (`planner --help`, `planner check`) must not load: the solvers, and
#: the libraries only plans, tables, road networks and studies need.
HEAVY = ("ortools", "pandas", "osmnx", "networkx", "scipy", "dask")


def imports_of(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """Every absolute import of a file (at any depth, lazy imports included): the module, and the
    names taken from it (empty for ``import module``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, tuple(alias.name for alias in node.names)))
        elif isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
    return found


def project_imports(path: Path) -> set[str]:
    """Every ``planner.…`` module a file imports (at any depth, lazy imports included)."""
    return {m for m, _ in imports_of(path) if m == "planner" or m.startswith("planner.")}


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else None


def submodules(stage: str) -> set[str]:
    """The modules and sub-packages of a stage, by name."""
    folder = PLANNER / stage
    return {p.stem for p in folder.glob("*.py") if p.stem != "__init__"} | {
        p.parent.name for p in folder.glob("*/__init__.py")
    }


def face_source(stage: str) -> ast.Module:
    return ast.parse((PLANNER / stage / "__init__.py").read_text(encoding="utf-8"))


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


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_every_stage_says_what_it_owns_and_may_import(stage: str) -> None:
    """Each stage package opens with a docstring whose sentence "May import …" names exactly the
    stages of `ALLOWED` (the domain's says it imports nothing of the project)."""
    doc = ast.get_docstring(face_source(stage))
    assert doc, stage
    if not ALLOWED[stage]:
        assert "Imports nothing of the project" in doc, stage
        return
    sentence = re.search(r"May import (.*?)(?:\.\s|\.$)", doc, flags=re.DOTALL)
    assert sentence, f"planner/{stage}/__init__.py: no sentence « May import … »"
    named = set(re.findall(r"`planner\.(\w+)`", sentence[1]))
    assert named == ALLOWED[stage], f"planner/{stage}/__init__.py says it may import {sorted(named)}"


def test_the_library_knows_no_ui_and_the_app_never_calls_the_cli() -> None:
    """planner/ never imports streamlit; app.py and app_pages/ (pages and helpers) never import the
    command line."""
    for path in PLANNER.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "import streamlit" not in source and "from streamlit" not in source, path
    for path in APP_FILES:
        wrong = [m for m in project_imports(path) if m == "planner.cli" or m.startswith(CLI_MODULES)]
        assert wrong == [], f"{path.relative_to(ROOT)} imports {wrong}"


@pytest.mark.parametrize("path", APP_FILES + CLI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_app_and_the_cli_import_only_planner_and_the_stage_faces(path: Path) -> None:
    """app.py, app_pages/ and the command line import of the library only `planner` and the stages'
    faces (`planner.publish`, never `planner.publish.store`), and take from a face no module of its
    stage (``from planner.inputs import data_import`` is a module, not the face); the command line's
    modules may import each other."""
    wrong = []
    for module, names in imports_of(path):
        if module != "planner" and not module.startswith("planner."):
            continue
        if path in CLI_FILES and module.startswith(CLI_MODULES):
            continue
        stage = stage_of(module)
        if module != "planner" and (stage is None or module != f"planner.{stage}"):
            wrong.append(f"{module}")
        elif stage is not None:
            wrong += [f"{module}.{name} (a module)" for name in names if name in submodules(stage)]
    assert wrong == [], f"{path.relative_to(ROOT)} imports {', '.join(wrong)}"


def test_the_app_and_the_cli_stay_in_small_modules() -> None:
    """No module of the app or of the command line is over 500 lines: a page that grows shares its
    parts through app_pages/ui/, a command group that grows becomes two modules of cli_commands/."""
    long = [
        f"{p.relative_to(ROOT)}: {n} lines"
        for p in APP_FILES + CLI_FILES
        if (n := len(p.read_text().splitlines())) > 500
    ]
    assert long == []


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_every_name_a_face_exports_can_be_imported(stage: str) -> None:
    """Each name of a face's ``__all__`` is there, whether imported with the face or on first use."""
    face = importlib.import_module(f"planner.{stage}")
    missing = [name for name in face.__all__ if not hasattr(face, name)]
    assert missing == [], f"planner.{stage} lacks {missing}"


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_a_face_never_exports_the_name_of_one_of_its_modules(stage: str) -> None:
    """A face exporting ``summary`` while ``summary.py`` sits beside it would give the function or the
    module depending on what was imported first (importing a module sets the package's attribute of
    that name); such names come from `planner` (`planner.summary`, `planner.replan`)."""
    face = importlib.import_module(f"planner.{stage}")
    assert sorted(set(face.__all__) & submodules(stage)) == [], stage


def _lazy_faces() -> list[str]:
    """The faces that import their names on first use (an ``_EXPORTS`` table); the others import
    them at once, and mypy sees those imports as they are."""
    packages = ["planner", *(f"planner.{stage}" for stage in sorted(ALLOWED))]
    return [p for p in packages if "_EXPORTS =" in (ROOT / p.replace(".", "/") / "__init__.py").read_text("utf-8")]


@pytest.mark.parametrize("package", _lazy_faces())
def test_a_lazy_face_shows_type_checkers_exactly_what_it_exports(package: str) -> None:
    """A face that imports names on first use (``_EXPORTS``, read by ``__getattr__``) imports the same
    names from the same modules under ``if TYPE_CHECKING:``, so that mypy checks every use."""
    path = ROOT / package.replace(".", "/") / "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assigned = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    exports = ast.literal_eval(assigned["_EXPORTS"])
    checked = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    shown = {
        alias.name: node.module for node in checked.body if isinstance(node, ast.ImportFrom) for alias in node.names
    }
    assert shown == exports, package


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_a_stage_imports_its_own_modules_directly(stage: str) -> None:
    """Inside a stage, a module imports its siblings' names from the sibling (``planner.inputs.territory``),
    never from the stage's face, which imports them: an import through the face can run in a circle."""
    face = importlib.import_module(f"planner.{stage}")
    tree = face_source(stage)
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    defined |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    re_exported = set(face.__all__) - defined
    wrong = []
    for path in sorted((PLANNER / stage).rglob("*.py")):
        if path == PLANNER / stage / "__init__.py":
            continue
        for module, names in imports_of(path):
            if module == f"planner.{stage}":
                wrong += [f"{path.relative_to(ROOT)} imports {name} from {module}" for name in re_exported & set(names)]
    assert wrong == []


@pytest.mark.parametrize("argv", [["--help"], ["check"]], ids=" ".join)
def test_light_commands_load_no_solver(argv: list[str]) -> None:
    """`planner --help` and `planner check` import the faces they use without the solvers, pandas or
    the road network: the faces of the heavy stages import their names on first use."""
    code = (
        "import sys\n"
        "from planner.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        f"print('loaded:', *sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = run.stdout.splitlines()[-1].split()
    assert loaded == ["loaded:"], f"planner {' '.join(argv)} loads {loaded[1:]}"
