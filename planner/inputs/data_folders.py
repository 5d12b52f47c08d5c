"""Where the built-in territories are read from and where files made for the user are written.

The built-in territories (``communes/``, ``roster/``, ``scenarios/`` and the commune extents) are
package data of ``planner`` (``planner/data``, reached through `importlib.resources`), so that an
installed wheel plans the demo from any folder; in the repository, ``data/`` is a link to that folder.
``$TOURNEE_DATA`` names another folder of built-in territories.

Nothing is ever written into an installed package: files made for the user (``planner data import``
without ``--out``) go to the user's data folder (`platformdirs`), unless the package runs from a
source checkout, whose ``data/`` is where the built-in files are regenerated.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

#: Environment variable naming another folder of built-in territories (with communes/, roster/, scenarios/).
DATA_ENV = "TOURNEE_DATA"
#: Environment variable naming the folder of the user's own files (default: the platform's user data folder).
USER_DATA_ENV = "TOURNEE_USER_DATA"
APP_NAME = "tournee"


def package_data_dir() -> Path:
    """The built-in territories shipped with the package (``planner/data``)."""
    return Path(str(resources.files("planner").joinpath("data")))


def data_dir() -> Path:
    """The folder of built-in territories: ``$TOURNEE_DATA`` if set, else the package's data."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override)
    return package_data_dir()


def is_source_checkout() -> bool:
    """True when ``planner`` runs from the repository (its ``pyproject.toml`` beside the package), not
    from an installed wheel."""
    return (package_data_dir().parents[1] / "pyproject.toml").is_file()


def user_data_dir() -> Path:
    """The user's own files: ``$TOURNEE_USER_DATA`` if set, else the platform's user data folder
    (``~/.local/share/tournee`` on Linux). Not created here."""
    override = os.environ.get(USER_DATA_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def writable_communes_dir() -> Path:
    """Where communes files made for the user go by default: the built-in folder of a source checkout
    (or of ``$TOURNEE_DATA``), else ``communes/`` of the user's data folder — never the installed package."""
    if os.environ.get(DATA_ENV) or is_source_checkout():
        return data_dir() / "communes"
    return user_data_dir() / "communes"
