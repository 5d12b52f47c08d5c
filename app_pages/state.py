"""Session state and cached loaders of the Streamlit app: the one place pages keep things between reruns.

Pages never call the solver directly: they go through `compute_plan` (cached per instance and
options, so the demo plan is computed once per server) and read the coordinator's working copy
(`instance()`, `options()`, `plan()`) from here. Everything that is shared between users is frozen
(`Instance`, `Plan`), so `st.cache_resource` can hand the same object to every session.
"""

from __future__ import annotations

import dataclasses
import hmac
import io
import logging
import os
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from planner.cli import DEMO_TERRITORY
from planner.domain.errors import TourneeError
from planner.domain.french import date_fr  # noqa: F401  (re-exported for the pages)
from planner.domain.instance import Instance
from planner.domain.plan import Plan

log = logging.getLogger("tournee.app")

#: Largest upload accepted, in bytes (also `server.maxUploadSize` in .streamlit/config.toml).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024

ProgressFn = Callable[[float, str], None]


# --- Configuration --------------------------------------------------------------------------


def _secret(key: str) -> str | None:
    """A value of `.streamlit/secrets.toml`, or None when there is no such file or key."""
    try:
        value = st.secrets.get(key)
    except FileNotFoundError:  # no secrets file, or one that cannot be read (StreamlitSecretNotFoundError)
        return None
    return str(value) if value else None


def configured_password() -> str | None:
    """The coordinator password: env `TOURNEE_PASSWORD`, else `password` in secrets.toml."""
    return os.environ.get("TOURNEE_PASSWORD") or _secret("password")


def staff_password() -> str | None:
    """The staff password (env `TOURNEE_STAFF_PASSWORD` or `staff_password`); optional."""
    return os.environ.get("TOURNEE_STAFF_PASSWORD") or _secret("staff_password")


def public_base_url() -> str | None:
    """Web address of the publication folder (env `TOURNEE_PUBLIC_URL` or secrets `public_url`).

    The folder holds ``public/`` (commune feeds, posters) and ``prive/`` (staff feeds).
    """
    url = os.environ.get("TOURNEE_PUBLIC_URL") or _secret("public_url")
    return url.rstrip("/") if url else None


def public_folder_url() -> str | None:
    """Web address of the ``public/`` folder (what posters' QR codes point to), if configured."""
    base = public_base_url()
    return f"{base}/public" if base else None


def workspace(territory: str) -> Path:
    """Folder of one territory's saved versions and publication (under env `TOURNEE_WORKSPACE`)."""
    from planner.publish.feeds import slug

    return Path(os.environ.get("TOURNEE_WORKSPACE", "out/app")) / slug(territory)


def store(territory: str) -> Any:
    """The version store of ``territory`` (created on first use)."""
    from planner.publish.store import PlanStore

    return PlanStore(workspace(territory))


# --- Access ---------------------------------------------------------------------------------


def is_coordinator() -> bool:
    return st.session_state.get("access") == "coordinator"


def has_staff_access() -> bool:
    return st.session_state.get("access") in ("coordinator", "staff")


NO_PASSWORD_MESSAGE = (
    "Aucun mot de passe n'est configuré : cet espace est fermé.\n\n"
    "Pour l'ouvrir, définissez la variable d'environnement `TOURNEE_PASSWORD` avant de lancer "
    "l'application (`TOURNEE_PASSWORD='…' streamlit run app.py`), ou ajoutez la ligne "
    "`password = \"…\"` dans le fichier `.streamlit/secrets.toml`. Un mot de passe distinct pour "
    "les équipes peut être donné par `TOURNEE_STAFF_PASSWORD` (ou `staff_password`)."
)


def require_access(level: str) -> None:
    """Stop the page here unless this session gave a password good for ``level``.

    ``level`` is ``"coordinator"`` (the coordinator password) or ``"staff"`` (the staff password or
    the coordinator's). The comparison is constant-time.
    """
    if is_coordinator() or (level == "staff" and has_staff_access()):
        return
    accepted = {"coordinator": configured_password()}
    if level == "staff":
        accepted["staff"] = staff_password()
    accepted = {k: v for k, v in accepted.items() if v}
    st.title("Espace coordination" if level == "coordinator" else "Espace des équipes")
    if not accepted:
        st.error(NO_PASSWORD_MESSAGE)
        st.stop()
    with st.form(f"login-{level}"):
        given = st.text_input("Mot de passe", type="password")
        submitted = st.form_submit_button("Entrer")
    if submitted:
        for granted, expected in accepted.items():
            if hmac.compare_digest(given.encode(), expected.encode()):
                st.session_state["access"] = granted
                st.rerun()
        st.error("Mot de passe incorrect.")
    st.stop()


def logout() -> None:
    st.session_state.pop("access", None)


# --- Cached loaders -------------------------------------------------------------------------


def _fingerprint(instance: Instance) -> str:
    """Cache key of an instance: a hash of its full value."""
    from planner.publish.fingerprint import instance_fingerprint

    return instance_fingerprint(instance)


@st.cache_data(show_spinner=False)
def territory_names() -> list[str]:
    from planner.inputs import builtin_territories

    return list(builtin_territories())


@st.cache_resource(show_spinner="Chargement du territoire…", max_entries=16)
def builtin_instance(name: str) -> Instance:
    """A built-in territory, loaded once per server."""
    from planner.inputs import load_territory

    return load_territory(name)


def territory_title(name: str) -> str:
    """The title of a built-in territory (its name when it cannot be loaded)."""
    try:
        return builtin_instance(name).title or name
    except TourneeError:
        return name


#: Plans kept per server: one per (instance, options) pair, the oldest dropped first.
MAX_CACHED_PLANS = 16


@st.cache_resource
def _plan_cache() -> tuple[OrderedDict[tuple[str, str], Future[Plan]], threading.Lock]:
    """One plan cache shared by every session of the server: a future per (instance, options).

    Not `st.cache_resource` on the solve itself: that would record the progress bar drawn during
    the solve and replay it, on a later cache hit, into a page where that bar does not exist.
    Futures let a second request for a plan being solved wait for it instead of solving it again.
    """
    return OrderedDict(), threading.Lock()


def compute_plan(instance: Instance, options: Any, progress: ProgressFn | None = None) -> Plan:
    """Plan ``instance`` with ``options``; the same pair is solved only once per server."""
    from planner.planning.pipeline import plan as solve_plan

    cache, lock = _plan_cache()
    key = (_fingerprint(instance), repr(options))
    with lock:
        owner = key not in cache
        if owner:
            cache[key] = Future()
            while len(cache) > MAX_CACHED_PLANS:
                cache.popitem(last=False)
        cache.move_to_end(key)
        future = cache[key]
    if not owner:
        if progress is not None and not future.done():
            progress(0.5, "Ce plan est déjà en cours de calcul : attente du résultat…")
        return future.result()
    try:
        result = solve_plan(instance, options, progress=progress)
    except BaseException as exc:
        with lock:
            cache.pop(key, None)  # a later request tries again
        future.set_exception(exc)
        raise
    future.set_result(result)
    return result


@st.cache_resource(show_spinner=False)
def start_demo_warmup() -> threading.Thread:
    """Solve the demo plan in the background once per server, so that it is ready when asked for."""
    demo = builtin_instance(DEMO_TERRITORY)
    options_ = default_options()

    def warm() -> None:
        try:
            compute_plan(demo, options_)
        except Exception:
            log.exception("warming the demo plan failed")

    thread = threading.Thread(target=warm, name="tournee-demo-warmup", daemon=True)
    thread.start()
    return thread


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs={Instance: _fingerprint})
def _cached_travel(instance: Instance, options_key: str, _options: Any) -> Any:
    from planner.travel import travel_for

    return travel_for(instance, _options.roads)


def travel(instance: Instance, options: Any) -> Any:
    """The travel matrix a plan was made with (for drawing legs on the map)."""
    return _cached_travel(instance, repr(options), options)


def default_options() -> Any:
    from planner.planning.options import PlanOptions

    return PlanOptions()


# --- The coordinator's working copy ---------------------------------------------------------


def instance() -> Instance:
    """The territory being worked on (the demo until the coordinator picks another one)."""
    if "instance" not in st.session_state:
        st.session_state["instance"] = builtin_instance(DEMO_TERRITORY)
        st.session_state["territory"] = DEMO_TERRITORY
    return st.session_state["instance"]


def set_instance(new: Instance, territory: str) -> None:
    """Replace the working territory; a plan made for another one is dropped."""
    st.session_state["instance"] = new
    st.session_state["territory"] = territory
    st.session_state.pop("plan", None)


def options() -> Any:
    if "options" not in st.session_state:
        st.session_state["options"] = default_options()
    return st.session_state["options"]


def set_options(new: Any) -> None:
    st.session_state["options"] = new
    st.session_state.pop("plan", None)


def plan() -> Plan | None:
    """The plan of the working territory, or None before "Planifier"."""
    return st.session_state.get("plan")


def set_plan(new: Plan) -> None:
    st.session_state["plan"] = new


# --- Editable territory files --------------------------------------------------------------


@dataclass(frozen=True)
class Sources:
    """A territory's three files as the coordinator edits them: two tables (text cells) and TOML text.

    ``revision`` changes whenever the files are replaced, so that editors start afresh.
    """

    name: str
    communes: pd.DataFrame
    roster: pd.DataFrame
    scenario: str
    revision: int = 0

    def edited(self, communes: pd.DataFrame, roster: pd.DataFrame, scenario: str) -> Sources:
        return Sources(self.name, communes.reset_index(drop=True), roster.reset_index(drop=True), scenario)


def _frame(text: str, label: str) -> pd.DataFrame:
    """A CSV text as a table of text cells, read as the planner reads it (BOM, `;` or `,`)."""
    from planner.inputs.tables import Problems, read_table

    problems = Problems()
    table = read_table(text, label, problems)
    problems.raise_if_any()
    assert table is not None
    return pd.DataFrame([cells for _, cells in table.rows], columns=[c for c in table.columns if c], dtype=str).fillna("")


def builtin_sources(name: str) -> Sources:
    """The files of a built-in territory, ready to edit."""
    from planner.inputs import territory_paths
    from planner.inputs.tables import decode

    _, (communes, roster, scenario) = territory_paths(name)
    return Sources(
        name,
        _frame(decode(communes.read_bytes()), "communes.csv"),
        _frame(decode(roster.read_bytes()), "roster.csv"),
        decode(scenario.read_bytes()),
    )


def uploaded_sources(name: str, files: dict[str, bytes]) -> Sources:
    """Uploaded files (keys ``communes``, ``roster``, ``scenario``), ready to edit.

    Raises `InputError` when a CSV cannot be read at all.
    """
    from planner.inputs.tables import decode

    return Sources(
        name.strip() or "mon-territoire",
        _frame(decode(files["communes"]), "communes.csv"),
        _frame(decode(files["roster"]), "roster.csv"),
        decode(files["scenario"]),
    )


def sources() -> Sources | None:
    return st.session_state.get("sources")


def set_sources(new: Sources) -> None:
    """Replace the edited files; problems found in the previous ones are forgotten."""
    revision = st.session_state.get("sources_revision", 0) + 1
    st.session_state["sources_revision"] = revision
    st.session_state["sources"] = dataclasses.replace(new, revision=revision)
    st.session_state["territory_problems"] = []


# --- Public side ----------------------------------------------------------------------------


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
    """Calendar feeds of a plan, written for download (`planner.calendars.FeedIndex` inside)."""

    feeds: Any

    def commune_feed(self, insee: str) -> Path | None:
        return self.feeds.communes.get(insee)

    def staff_feed(self, staff_id: str) -> Path | None:
        return self.feeds.staff.get(staff_id)

    def url(self, path: Path) -> str | None:
        """Web address of ``path`` when the publication folder has one (`public_base_url`)."""
        base = public_base_url()
        return f"{base}/{path.relative_to(self.feeds.out_dir).as_posix()}" if base else None


def _plan_key(plan_: Plan) -> str:
    from planner.publish.plan_json import plan_to_json

    return plan_to_json(plan_)


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs={Instance: _fingerprint, Plan: _plan_key})
def publication(instance_: Instance, plan_: Plan, territory: str | None = None) -> Publication:
    """Calendar feeds of ``plan_`` in a private temporary folder, written once per plan.

    With ``territory``, the feeds take their SEQUENCE numbers from that territory's store (read
    only), so that a downloaded event matches the one on the published web folder.
    """
    from planner.publish.feeds import publish_feeds

    folder = Path(tempfile.mkdtemp(prefix="tournee-app-"))
    ledger_store = store(territory) if territory and workspace(territory).exists() else None
    feeds = publish_feeds(instance_, plan_, folder, store=ledger_store, base_url=None, record=False)
    return Publication(feeds)


def publish_version(territory: str, instance_: Instance, version: int) -> Path:
    """Publish a saved version: mark it published, then write its feeds and posters.

    Files go to the territory's publication folder; the store's event ledger keeps calendar
    SEQUENCE numbers right for subscribers. Returns the folder.
    """
    from planner.publish.feeds import publish_feeds
    from planner.publish.posters import write_posters

    plans = store(territory)
    plans.publish(version)
    published = plans.load(version)
    folder = workspace(territory) / "publication"
    publish_feeds(instance_, published, folder, store=plans, base_url=public_folder_url())
    write_posters(instance_, published, folder, base_url=public_folder_url())
    publication.clear()  # downloads must now show the new SEQUENCE numbers
    return folder


@st.cache_resource(show_spinner="Préparation des fichiers…", max_entries=8, hash_funcs={Instance: _fingerprint, Plan: _plan_key})
def downloads(instance_: Instance, plan_: Plan, territory: str) -> dict[str, bytes]:
    """The downloadable files of a plan: tables, JSON, and zips of feeds and printable pages."""
    from planner.publish.outputs import write_outputs
    from planner.publish.posters import write_posters

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


# --- Formatting -----------------------------------------------------------------------------


def show_error(exc: BaseException) -> None:
    """A French message for a failure, never a traceback."""
    if isinstance(exc, TourneeError):
        st.error(str(exc))
    else:
        log.exception("unexpected error in the app", exc_info=exc)
        st.error(
            "Une erreur inattendue est survenue. Réessayez ; si elle revient, signalez-la avec "
            f"ce message : {type(exc).__name__}."
        )
