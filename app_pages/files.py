"""Files of the app: each territory's workspace (version store, publication folder, public web
address), publishing, what public pages show, and what can be downloaded.

Public pages show the published version of a territory (else its demonstration plan); feeds and
zips of a plan are written once per plan into a private temporary folder.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from app_pages.access import secret
from app_pages.plan_cache import (
    builtin_instance,
    compute_plan,
    default_options,
    fingerprint,
    territory_names,
    territory_title,
)
from planner import TourneeError, write_outputs
from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.inputs import DEMO_TERRITORY
from planner.publish.feeds import FeedIndex, publish_feeds, slug
from planner.publish.plan_json import plan_to_json
from planner.publish.posters import write_posters
from planner.publish.publication import publish_version as publish_saved_version
from planner.publish.store import PlanStore

log = logging.getLogger("tournee.app")


def public_base_url() -> str | None:
    """Web address of the publication folder (env `TOURNEE_PUBLIC_URL` or secrets `public_url`).

    The folder holds ``public/`` (commune feeds, posters) and ``prive/`` (staff feeds).
    """
    url = os.environ.get("TOURNEE_PUBLIC_URL") or secret("public_url")
    return url.rstrip("/") if url else None


def public_folder_url() -> str | None:
    """Web address of the ``public/`` folder (what posters' QR codes point to), if configured."""
    base = public_base_url()
    return f"{base}/public" if base else None


def workspace(territory: str) -> Path:
    """Folder of one territory's saved versions and publication (under env `TOURNEE_WORKSPACE`)."""
    return Path(os.environ.get("TOURNEE_WORKSPACE", "out/app")) / slug(territory)


def store(territory: str) -> PlanStore:
    """The version store of ``territory`` (created on first use)."""
    return PlanStore(workspace(territory))


def published_or_demo(territory: str) -> tuple[Instance, Plan, str]:
    """What the public pages show: the published version of ``territory``, else its demo plan.

    Returns the instance, the plan and a French line saying which of the two it is.
    """
    inst = builtin_instance(territory)
    published = None
    if workspace(territory).exists():
        try:
            published = store(territory).published()
        except (TourneeError, OSError) as exc:
            log.warning("cannot read the store of %s: %s", territory, exc)
    if published is not None:
        version, plan_ = published
        return inst, plan_, f"Planning publié (version {version})."
    with st.spinner("Calcul du planning de démonstration…"):
        plan_ = compute_plan(inst, default_options())
    return inst, plan_, "Planning de démonstration : il n'a pas encore été publié par la coordination."


def choose_public_plan() -> tuple[str, Instance, Plan]:
    """The territory picker of the public pages; returns the territory, its instance and its plan."""
    names = territory_names()
    territory = st.selectbox(
        "Territoire", names, index=names.index(DEMO_TERRITORY) if DEMO_TERRITORY in names else 0,
        format_func=territory_title,
    )  # fmt: skip
    inst, plan_, label = published_or_demo(territory)
    st.caption(label)
    return territory, inst, plan_


@dataclass(frozen=True)
class Publication:
    """Calendar feeds of a plan, written for download (`planner.publish.feeds.FeedIndex` inside)."""

    feeds: FeedIndex

    def commune_feed(self, insee: str) -> Path | None:
        return self.feeds.communes.get(insee)

    def staff_feed(self, staff_id: str) -> Path | None:
        return self.feeds.staff.get(staff_id)

    def url(self, path: Path) -> str | None:
        """Web address of ``path`` when the publication folder has one (`public_base_url`)."""
        base = public_base_url()
        return f"{base}/{path.relative_to(self.feeds.out_dir).as_posix()}" if base else None


def _plan_key(plan_: Plan) -> str:
    return plan_to_json(plan_)


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs={Instance: fingerprint, Plan: _plan_key})
def publication(instance_: Instance, plan_: Plan, territory: str | None = None) -> Publication:
    """Calendar feeds of ``plan_`` in a private temporary folder, written once per plan.

    With ``territory``, the feeds take their SEQUENCE numbers from that territory's store (read
    only), so that a downloaded event matches the one on the published web folder.
    """
    folder = Path(tempfile.mkdtemp(prefix="tournee-app-"))
    ledger_store = store(territory) if territory and workspace(territory).exists() else None
    feeds = publish_feeds(instance_, plan_, folder, store=ledger_store, base_url=None, record=False)
    return Publication(feeds)


def publish_version(territory: str, instance_: Instance, version: int) -> Path:
    """Publish a saved version (`planner.publish.publication.publish_version`) into the territory's
    publication folder; returns the folder."""
    folder = workspace(territory) / "publication"
    publish_saved_version(store(territory), instance_, version, folder, base_url=public_folder_url())
    publication.clear()  # downloads must now show the new SEQUENCE numbers
    return folder


@st.cache_resource(show_spinner="Préparation des fichiers…", max_entries=8, hash_funcs={Instance: fingerprint, Plan: _plan_key})
def downloads(instance_: Instance, plan_: Plan, territory: str) -> dict[str, bytes]:
    """The downloadable files of a plan: tables, JSON, and zips of feeds and printable pages."""
    folder = Path(tempfile.mkdtemp(prefix="tournee-dl-"))
    outputs = write_outputs(instance_, plan_, folder / "plan")
    printable = write_posters(instance_, plan_, folder / "affiches", base_url=public_folder_url())
    feeds = publication(instance_, plan_, territory).feeds
    by_name = {path.name: path.read_bytes() for path in outputs}
    return {
        **by_name,
        "plan.zip": zip_bytes(outputs, folder / "plan"),
        "affiches.zip": zip_bytes(printable, folder / "affiches"),
        "calendriers.zip": zip_bytes(feeds.all_paths(), feeds.out_dir),
    }


def zip_bytes(paths: Iterable[Path], root: Path) -> bytes:
    """A zip archive of ``paths``, named relative to ``root``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, path.relative_to(root).as_posix())
    return buffer.getvalue()
