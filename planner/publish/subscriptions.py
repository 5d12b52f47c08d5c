"""Where each private calendar of a publication is, and who it belongs to.

Every person, unit and the coordination has a secret token in the workspace store
(`planner.publish.store.PlanStore.ensure_tokens`); a publication writes their files into
``prive/<token>/``, so that ``prive/`` can be put online: only who was given the address finds a
calendar. Revoking a token (`PlanStore.revoke`) and publishing again makes the old address lead nowhere.
"""

from __future__ import annotations

from collections.abc import Mapping

from planner.publish.feed_names import COORDINATOR_FILE, STAFF_FEED, UNIT_FEED
from planner.publish.files import COORDINATOR_FEED, PRIVATE_DIR


def private_feed_path(subject: str, token: str) -> str:
    """Path of a subject's calendar inside the publication folder: ``prive/<token>/planning.ics``."""
    kind = subject.partition(":")[0]
    file = {"staff": STAFF_FEED, "unit": UNIT_FEED}.get(kind, COORDINATOR_FILE)
    return f"{PRIVATE_DIR}/{token}/{file}"


def subject_label(subject: str, labels: Mapping[str, Mapping[str, str]]) -> str:
    """``staff:d1`` → ``Dr A. Martin (exemple) (d1)``, ``unit:bus`` → ``unité Médicobus``, from a
    version's labels (`PlanStore.labels`); the bare id when the name is not known."""
    if subject == COORDINATOR_FEED:
        return "coordination"
    kind, _, ident = subject.partition(":")
    if kind == "unit":
        return f"unité {labels.get('units', {}).get(ident, ident)}"
    name = labels.get("staff", {}).get(ident)
    return f"{name} ({ident})" if name else ident
