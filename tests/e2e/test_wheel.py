"""`pip install` of the built wheel plans the demo from any folder: the built-in territories are package
data, and nothing is read from the repository nor written into the installed package.

The wheel is built offline (`pip wheel --no-build-isolation`, with the setuptools already installed)
and installed without its dependencies in a fresh virtual environment that sees this interpreter's
packages (``--system-site-packages``): the dependencies are found there, the ``planner`` package and
its data only in the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A virtual environment holding the wheel of the working tree, and the environment to run it in."""
    base = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOURNEE_", "PYTHON"))}
    env["TOURNEE_USER_DATA"] = str(base / "user-data")
    env["TOURNEE_CACHE"] = str(base / "cache")
    # built from a copy of what the wheel is made of: no stale build/ of the repository gets in, none is left
    source = base / "source"
    shutil.copytree(ROOT / "planner", source / "planner", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    wheels = base / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-w", str(wheels)],
        cwd=base,
        env=env,
    )
    (wheel,) = wheels.glob("tournee-*.whl")
    env_dir = base / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)], cwd=base, env=env)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(env_dir)
    return env_dir, env


def test_the_installed_package_is_the_wheel_with_its_data(installed: tuple[Path, dict[str, str]], tmp_path) -> None:
    """``planner`` and its built-in territories come from the virtual environment, not the repository;
    a communes file made by ``planner data import`` would go to the user's data folder."""
    env_dir, env = installed
    code = (
        "import planner, planner.inputs as i; print(planner.__file__); print(i.data_dir()); "
        "print(','.join(i.builtin_territories())); print(i.builtin_communes_dir())"
    )
    out = _run([str(env_dir / "bin" / "python"), "-c", code], cwd=tmp_path, env=env).stdout.splitlines()
    package, data, names, written = out
    assert Path(package).is_relative_to(env_dir) and Path(data).is_relative_to(env_dir)
    assert Path(written) == Path(env["TOURNEE_USER_DATA"]) / "communes"  # never the installed package
    assert "medicobus-dieppe" in names.split(",")
    assert (Path(data) / "communes" / "commune-extents.csv.gz").is_file()


def test_installed_planner_plans_the_demo_from_an_empty_folder(installed: tuple[Path, dict[str, str]], tmp_path):
    """`planner plan --out DIR` in an empty working folder writes the outputs and prints the summary."""
    env_dir, env = installed
    package = env_dir / "lib"
    before = {p for p in package.rglob("*") if p.is_file()}
    result = _run(
        [str(env_dir / "bin" / "planner"), "plan", "--out", "sortie", "--weeks", "1", "--method", "greedy"],
        cwd=tmp_path,
        env=env,
    )
    assert "Plan « " in result.stdout and "séances" in result.stdout
    assert "Fichiers écrits" in result.stdout
    for name in ("plan.json", "sessions.csv", "shifts.csv", "summary.txt"):
        assert (tmp_path / "sortie" / name).stat().st_size > 0
    written = {p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts} - before
    assert not written, f"files written into the installed package: {sorted(written)[:5]}"
