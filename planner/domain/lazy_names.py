"""The first-use import of the stage faces: each face maps the names it exports to their modules
(``_EXPORTS``) and takes its module ``__getattr__`` (PEP 562) from `import_on_first_use`, so that
reading one name loads only that name's module (`planner --help` loads no solver).

One function for `planner` and every face, in the stage they all may import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def import_on_first_use(namespace: dict[str, Any], exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for the module of ``namespace`` (its ``globals()``): a name of
    ``exports`` is imported from its module and kept in ``namespace``; any other is an AttributeError."""

    def __getattr__(name: str) -> Any:
        """An exported name, imported from its module on first use."""
        if name not in exports:
            msg = f"module {namespace['__name__']!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(exports[name]), name)
        namespace[name] = value
        return value

    return __getattr__
