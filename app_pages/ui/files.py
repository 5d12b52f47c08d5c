"""Files of the app: each territory's workspace (version store, publication folder, public web
address), publishing, what public pages show, and what can be downloaded.

Public pages show only what was published: the publication folder's files themselves, and the plan
and instance rebuilt from the published version's stored inputs. Downloads of the plan being worked
on are written once per plan into a private temporary folder.
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

from app_pages.ui.access import secret, workspace_root
from app_pages.ui.plan_cache import fingerprint
from app_pages.ui.streamlit_fr import CHOOSE
from planner import TourneeError, write_outputs
from planner.domain import Instance, Plan
from planner.publish import (
    DB_NAME,
    FeedIndex,
    PlanInputs,
    PlanStore,
    Publication,
    cancelled_sessions,
    current_path,
    plan_to_json,
    private_feed_path,
    publish_feeds,
    published_file,
    recover,
    slug,
    webcal_url,
    write_posters,
)
from planner.publish import publish_version as publish_saved_version
from planner.results import Visit

log = logging.getLogger("tournee.app")

PUBLICATION_DIR = "publication"


def public_base_url() -> str | None:
    """Web address of the publication folder (env `TOURNEE_PUBLIC_URL` or secrets `public_url`).

    The folder holds ``public/`` (commune feeds, posters) and ``prive/`` (one secret folder per person).
    """
    url = os.environ.get("TOURNEE_PUBLIC_URL") or secret("public_url")
    return url.rstrip("/") if url else None


def public_folder_url() -> str | None:
    """Web address of the ``public/`` folder (what posters' QR codes point to), if configured."""
    base = public_base_url()
    return f"{base}/public" if base else None


def without_server_paths(text: str) -> str:
    """``text`` (a refusal's message) with the workspace's folder on the server replaced by words: the
    pages never show the server's folders."""
    root = workspace_root()
    for path in sorted({str(root.resolve()), str(root.absolute()), str(root)}, key=len, reverse=True):
        text = text.replace(path, "l'espace de travail")
    return text


def workspace(territory: str) -> Path:
    """Folder of one territory's saved versions and publication."""
    return workspace_root() / slug(territory)


def store(territory: str) -> PlanStore:
    """The version store of ``territory`` (created on first use)."""
    return PlanStore(workspace(territory))


def publication_folder(territory: str) -> Path:
    return workspace(territory) / PUBLICATION_DIR


def publish_version(territory: str, version: int, published_by: str | None = None) -> Publication:
    """Publish a saved version, all or nothing (`planner.publish.publish_version`), into
    the territory's publication folder, with the public address configured now (or none).

    ``published_by`` (the logged-in coordinator's account) is kept with the publication (``planner
    history`` shows it).
    """
    folder = publication_folder(territory)
    return publish_saved_version(
        store(territory), version, folder, base_url=public_folder_url() or "", published_by=published_by
    )


# --- What the public pages show -----------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """A territory's publication in force: the version, its inputs, instance and plan, its folder."""

    territory: str
    version: int
    inputs: PlanInputs | None
    instance: Instance
    plan: Plan
    folder: Path  # the folder of the publication in force (``public/`` and ``prive/`` inside)
    published_as: str | None = None  # the territory the publication was recorded under

    @property
    def title(self) -> str:
        return self.instance.title or self.instance.name

    def file(self, relative: str) -> Path | None:
        """A published file (``public/commune-76217.ics``) of the publication in force, or None when it has
        none: found through the publication's pointer (`planner.publish.published_file`), on every system,
        never through the ``public``/``prive`` links kept for web servers."""
        return published_file(publication_folder(self.territory), relative, self.published_as)

    def url(self, relative: str) -> str | None:
        """Web address of a published file when the folder's address is configured (`public_base_url`)."""
        base = public_base_url()
        return f"{base}/{relative}" if base else None

    def subscription(self, relative: str) -> str | None:
        """The ``webcal://`` address calendar apps subscribe to, when the folder is online over http(s)."""
        url = self.url(relative)
        return webcal_url(url) if url else None


@st.cache_resource(show_spinner=False, max_entries=32)
def _published(territory: str, folder: str) -> Published | None:
    """The publication of ``territory`` whose files are in ``folder``, rebuilt once per server."""
    plans = store(territory)
    last = plans.last_publication()
    if last is None or last.folder != Path(folder).name:
        return None
    inputs = plans.inputs(last.version)
    if inputs is None:
        log.warning("published version %s of %s has no stored inputs", last.version, territory)
        return None
    instance = inputs.instance()
    return Published(territory, last.version, inputs, instance, plans.load(last.version), Path(folder), last.territory)


def published(territory: str) -> Published | None:
    """What the public pages show of ``territory``: its publication in force, or None.

    The files are read where the publication's pointer says (`planner.publish.current_path`, the same
    on every system), never through the ``public``/``prive`` links kept for web servers."""
    if not (workspace(territory) / DB_NAME).is_file():
        return None
    try:
        plans = store(territory)
        out = publication_folder(territory)
        recover(plans, out, wait=2.0)
        last = plans.last_publication()
        folder = None if last is None else current_path(out, last.territory)
        return None if folder is None else _published(territory, str(folder))
    except (TourneeError, OSError) as exc:
        log.warning("cannot read the publication of %s: %s", territory, exc)
        return None


def published_territories() -> list[Published]:
    """Every territory with a publication in force, by title."""
    root = workspace_root()
    found = []
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if (p / DB_NAME).is_file()):
            current = published(folder.name)
            if current is not None:
                found.append(current)
    return sorted(found, key=lambda p: p.title)


NOTHING_PUBLISHED = (
    "Aucun planning n'a encore été publié. Les dates et lieux de passage apparaîtront ici dès que la "
    "coordination aura publié le planning ; renseignez-vous d'ici là auprès de votre mairie."
)


def choose_published() -> Published:
    """The territory picker of the public pages (published territories only); stops the page when
    nothing is published yet."""
    choices = published_territories()
    if not choices:
        st.info(NOTHING_PUBLISHED)
        st.stop()
    # The picker holds territory names (plain strings), never the `Published` objects: Streamlit copies
    # a widget's options, and a publication (its instance and plan) holds read-only mappings that
    # cannot be copied ("cannot pickle 'mappingproxy'").
    by_name = {p.territory: p for p in choices}
    titles = [p.title for p in choices]
    labels = {p.territory: p.title if titles.count(p.title) == 1 else f"{p.title} ({p.territory})" for p in choices}
    if len(choices) > 1:
        name = st.selectbox(
            "Territoire", list(by_name), format_func=lambda t: labels[t], placeholder=CHOOSE, key="territoire"
        )
        chosen = by_name[name] if name in by_name else choices[0]
    else:
        chosen = choices[0]
    st.caption(f"{labels[chosen.territory]} — planning publié (version {chosen.version}).")
    return chosen


def cancelled_visits(territory: str) -> list[Visit]:
    """Published visits that a later publication removed (kept as cancelled by the calendar ledger)."""
    return cancelled_sessions(store(territory).event_ledger())


def person_of_token(token: str) -> tuple[Published, str] | None:
    """The publication and staff id a personal token opens, or None (unknown or revoked token)."""
    for current in published_territories():
        subject = store(current.territory).subject_of(token)
        if subject is not None and subject.startswith("staff:"):
            return current, subject.split(":", 1)[1]
    return None


def personal_feed(territory: str, staff_id: str) -> str:
    """Path of a person's calendar inside the publication folder (``prive/<token>/planning.ics``)."""
    subject = f"staff:{staff_id}"
    token = store(territory).ensure_tokens([subject])[subject]
    return private_feed_path(subject, token)


# --- Downloads of the plan being worked on -------------------------------------------------------


def _plan_key(plan_: Plan) -> str:
    return plan_to_json(plan_)


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs={Instance: fingerprint, Plan: _plan_key})
def draft_feeds(instance_: Instance, plan_: Plan, territory: str | None = None) -> FeedIndex:
    """Calendar feeds of a plan not published (yet), in a private temporary folder, once per plan.

    With ``territory``, the feeds take their SEQUENCE numbers from that territory's store (read only),
    so that a downloaded event matches the one it would replace.
    """
    folder = Path(tempfile.mkdtemp(prefix="tournee-app-"))
    ledger_store = store(territory) if territory and (workspace(territory) / DB_NAME).is_file() else None
    return publish_feeds(instance_, plan_, folder, store=ledger_store, base_url=None, record=False)


@st.cache_resource(
    show_spinner="Préparation des fichiers…", max_entries=8, hash_funcs={Instance: fingerprint, Plan: _plan_key}
)
def downloads(instance_: Instance, plan_: Plan, territory: str) -> dict[str, bytes]:
    """The downloadable files of a plan: tables, JSON, and zips of feeds and printable pages."""
    folder = Path(tempfile.mkdtemp(prefix="tournee-dl-"))
    outputs = write_outputs(instance_, plan_, folder / "plan")
    printable = write_posters(instance_, plan_, folder / "affiches", base_url=public_folder_url())
    feeds = draft_feeds(instance_, plan_, territory)
    by_name = {path.name: path.read_bytes() for path in outputs}
    posters_public, posters_private = split_public(printable, folder / "affiches")
    feeds_public, feeds_private = split_public(feeds.all_paths(), feeds.out_dir)
    return {
        **by_name,
        "plan.zip": zip_bytes(outputs, folder / "plan"),
        PUBLIC_POSTERS: zip_bytes(posters_public, folder / "affiches"),
        PRIVATE_POSTERS: zip_bytes(posters_private, folder / "affiches"),
        PUBLIC_FEEDS: zip_bytes(feeds_public, feeds.out_dir),
        PRIVATE_FEEDS: zip_bytes(feeds_private, feeds.out_dir),
    }


#: The downloads of `downloads` that may be handed to anyone (``public/``: nobody's name) and those
#: that name the staff (``prive/``: one secret folder per person), never in the same archive.
PUBLIC_POSTERS = "affiches-publiques.zip"
PRIVATE_POSTERS = "plannings-prives.zip"
PUBLIC_FEEDS = "calendriers-publics.zip"
PRIVATE_FEEDS = "calendriers-prives.zip"
PUBLIC_PART = "public"


def split_public(paths: Iterable[Path], root: Path) -> tuple[list[Path], list[Path]]:
    """``paths`` (under ``root``) split into the public ones (under ``root/public/``) and all others."""
    public: list[Path] = []
    private: list[Path] = []
    for path in paths:
        (public if path.relative_to(root).parts[0] == PUBLIC_PART else private).append(path)
    return public, private


def zip_bytes(paths: Iterable[Path], root: Path) -> bytes:
    """A zip archive of ``paths``, named relative to ``root``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, path.relative_to(root).as_posix())
    return buffer.getvalue()
