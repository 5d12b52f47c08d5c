"""A fingerprint of the inputs a plan was made from: equal inputs, equal fingerprint, however loaded."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from planner.domain.instance import Instance


def _canonical(value: Any) -> Any:
    """JSON-ready data that is the same for equal inputs, whatever the order of sets and mappings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return _canonical(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)  # exact, and keeps 1.0 apart from 1
    if isinstance(value, Mapping):
        return sorted([[_canonical(k), _canonical(v)] for k, v in value.items()], key=_sort_key)
    if isinstance(value, (set, frozenset)):
        return sorted([_canonical(v) for v in value], key=_sort_key)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def instance_fingerprint(instance: Instance) -> str:
    """SHA-256 (hex) of a canonical serialisation of every input: communes, units, staff, rules.

    Two instances with the same data have the same fingerprint, however they were loaded; any change
    to an input (a date off, a weight, a site's hours) changes it. The store records it per version so
    that a coordinator sees which plans were made from the same data.
    """
    data = _canonical(instance)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
