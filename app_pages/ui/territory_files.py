"""A territory's three files as the coordinator edits them in the app, from the built-in data or uploads.

The files being edited are part of the coordinator's working copy (`app_pages.ui.session`), which keeps
them between page reloads.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from planner.inputs import Problems, decode, read_table
from planner.publish import TerritoryFiles

#: French headers of the editors, by the files' column ids (docs/formats.md), which the files keep.
COLUMN_LABELS = {
    "communes": {
        "insee": "code INSEE", "name": "nom", "population": "population", "lat": "latitude", "lon": "longitude",
        "epci": "intercommunalité", "epci_siren": "SIREN de l'intercommunalité",
        "patients_without_gp": "patients sans médecin traitant", "need_proxy": "besoin estimé",
        "nearest_town_km": "ville la plus proche (km)", "apl": "APL", "priority": "zone prioritaire",
        "visits_per_week": "visites / semaine", "site_name": "lieu de passage", "site_lat": "latitude du lieu",
        "site_lon": "longitude du lieu", "site_days": "jours du lieu", "site_hours": "heures du lieu",
        "location_source": "origine de la position", "need_source": "origine du besoin",
    },
    "roster": {
        "id": "identifiant", "name": "nom", "roles": "rôles", "availability": "disponibilités",
        "dates_off": "absences", "max_shifts_per_week": "gardes max. / semaine",
        "max_shifts_per_month": "gardes max. / mois", "min_shifts_per_month": "gardes min. / mois",
        "home_insee": "commune du domicile (INSEE)", "home_lat": "latitude du domicile",
        "home_lon": "longitude du domicile", "preferred_communes": "communes préférées",
        "preferred_units": "unités préférées",
    },
}  # fmt: skip

#: Largest upload accepted, in bytes (also `server.maxUploadSize` in .streamlit/config.toml).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


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

    def files(self) -> TerritoryFiles:
        """The three files these tables and text make (UTF-8 CSV, cells as typed), as the planner reads them."""
        return TerritoryFiles(
            self.name,
            self.communes.to_csv(index=False).encode("utf-8"),
            self.roster.to_csv(index=False).encode("utf-8"),
            self.scenario.encode("utf-8"),
        )


def sources_of(files: TerritoryFiles) -> Sources:
    """A territory's files, ready to edit."""
    return Sources(
        files.name,
        _frame(decode(files.communes), "communes.csv"),
        _frame(decode(files.roster), "roster.csv"),
        decode(files.scenario),
    )


def _frame(text: str, label: str) -> pd.DataFrame:
    """A CSV text as a table of text cells, read as the planner reads it (BOM, `;` or `,`)."""
    problems = Problems()
    table = read_table(text, label, problems)
    problems.raise_if_any()
    assert table is not None
    return pd.DataFrame([cells for _, cells in table.rows], columns=[c for c in table.columns if c], dtype=str).fillna(
        ""
    )


def uploaded_sources(name: str, files: dict[str, bytes]) -> Sources:
    """Uploaded files (keys ``communes``, ``roster``, ``scenario``), ready to edit.

    Raises `InputError` when a CSV cannot be read at all.
    """
    return sources_of(
        TerritoryFiles(name.strip() or "mon-territoire", files["communes"], files["roster"], files["scenario"])
    )
