"""The one publishing sequence of the CLI and the app: mark a saved version published, then write
its calendar feeds and printable pages into the publication folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.domain.instance import Instance
from planner.domain.plan import Plan
from planner.publish.feeds import PUBLIC_DIR, publish_feeds
from planner.publish.posters import write_posters
from planner.publish.store import PlanStore


@dataclass(frozen=True)
class Publication:
    """What a publication wrote: the version, and its public and private files."""

    version: int
    out_dir: Path
    public: tuple[Path, ...]
    private: tuple[Path, ...]

    def text(self) -> str:
        """One French line for the coordinator."""
        return (
            f"{len(self.public) + len(self.private)} fichiers écrits dans {self.out_dir} : {len(self.public)} publics "
            f"(dossier {PUBLIC_DIR}/), {len(self.private)} privés (dossier prive/, à ne pas mettre en ligne)."
        )


def write_publication(
    store: PlanStore, instance: Instance, plan: Plan, version: int, out_dir: str | Path, *, base_url: str | None = None
) -> Publication:
    """Write the feeds (SEQUENCE and cancellations from the store's ledger) and pages of ``plan``."""
    out = Path(out_dir)
    feeds = publish_feeds(instance, plan, out, store=store, base_url=base_url)
    pages = write_posters(instance, plan, out, base_url=base_url)
    paths = [*feeds.all_paths(), *pages]
    public = tuple(p for p in paths if p.parent.name == PUBLIC_DIR)
    return Publication(version, out, public, tuple(p for p in paths if p.parent.name != PUBLIC_DIR))


def publish_version(
    store: PlanStore, instance: Instance, version: int, out_dir: str | Path, *, base_url: str | None = None
) -> Publication:
    """Publish saved ``version``: record it as the published one, then write its files."""
    plan = store.load(version)
    store.publish(version)
    return write_publication(store, instance, plan, version, out_dir, base_url=base_url)
