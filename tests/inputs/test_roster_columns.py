"""roster.csv columns outside the format (planner.inputs.roster): personal contact columns dropped with a
French warning and never kept (GDPR: data minimisation), any other unknown column refused with the
list of known ones."""

from __future__ import annotations

import pytest

from planner.domain.errors import InputError
from planner.inputs import (
    ROSTER_COLUMNS,
    clean_roster,
    dropped_roster_columns,
    load_territory,
    parse_territory,
    roster_warnings,
    territory_warnings,
)
from planner.inputs.roster import is_personal_column
from tests.support.paths import TINY
from tests.support.territory_files import only, problems_of, territory

HEADER = "preferred_communes,preferred_units"


def _with_columns(tmp_path, header: str, values: str):
    """The tiny territory with extra columns (``header``) whose cells are ``values`` on every row."""
    folder = territory(tmp_path)
    path = folder / "roster.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([f"{lines[0]},{header}", *(f"{line},{values}" for line in lines[1:])]) + "\n")
    return folder


@pytest.mark.parametrize(
    "name",
    ["telephone", "téléphone", "Tel", "tél", "email", "e-mail", "mail", "courriel", "adresse", "adresse postale",
     "telephone_portable", "Numéro de téléphone", "code_postal", "address", "contact_urgence"],
)  # fmt: skip
def test_personal_contact_columns_are_recognised(name):
    assert is_personal_column(name)


@pytest.mark.parametrize("name", ["max_shift_per_week", "notes", "commune", "date_naissance", "identifiant"])
def test_other_columns_are_not_personal_contacts(name):
    assert not is_personal_column(name)


def test_personal_columns_are_dropped_with_a_french_warning(tmp_path):
    """A roster with telephone, email and adresse loads; the three columns are named in a warning that
    says they are not kept, and no person holds any of their values."""
    folder = _with_columns(tmp_path, "telephone,Email,adresse", "06 12 34 56 78,a@exemple.fr,1 rue de la Paix")
    instance = load_territory(folder)
    assert len(instance.staff) == 5
    assert "06 12" not in repr(instance) and "exemple.fr" not in repr(instance)
    (warning,) = roster_warnings(folder / "roster.csv")
    assert "roster.csv" in warning and "« telephone », « email », « adresse »" in warning
    assert "non conservée" in warning and "RGPD" in warning
    assert warning in territory_warnings(instance, territory=folder)


def test_a_bad_cell_of_a_dropped_column_is_not_reported(tmp_path):
    """A personal column is never read: a control character in it is not the coordinator's problem."""
    folder = _with_columns(tmp_path, "tel", '"06\t12"')
    assert len(load_territory(folder).staff) == 5


def test_unknown_columns_are_refused_with_the_known_ones(tmp_path):
    """A misspelt column is not silently ignored: refused (row 1, its name), the format's columns listed."""
    folder = _with_columns(tmp_path, "max_shift_per_week,notes,mail", "3,x,a@b.fr")
    problems = problems_of(folder)
    for name in ("max_shift_per_week", "notes"):
        problem = only(problems, "roster.csv", name)
        assert problem.row == 1 and f"colonne inconnue « {name} »" in problem.message
        assert ", ".join(ROSTER_COLUMNS) in problem.message
    assert not [p for p in problems if p.column == "mail"]


def test_no_warning_without_personal_columns():
    assert roster_warnings(TINY / "roster.csv") == []
    assert dropped_roster_columns((TINY / "roster.csv").read_bytes()) == []


def test_clean_roster_removes_personal_columns_and_keeps_the_rest():
    """What may be stored: the same rows and row numbers (blank lines kept), without the personal columns."""
    raw = (
        "\ufeffid;name;Téléphone;roles;availability;dates_off;max_shifts_per_week;max_shifts_per_month;email\n"
        'd1;"Dr A. Martin (exemple)";0612345678;medecin;"lun,mar";;2;6;a@exemple.fr\n'
        "\n"
        "c1;D. Leroy (exemple);0698765432;chauffeur;lun-ven;;5;20;c@exemple.fr\n"
    ).encode()
    cleaned = clean_roster(raw)
    text = cleaned.decode("utf-8")
    assert "06" not in text and "exemple.fr" not in text and "phone" not in text.lower()
    assert text.splitlines()[0] == "id;name;roles;availability;dates_off;max_shifts_per_week;max_shifts_per_month"
    assert text.splitlines()[2] == ""
    assert clean_roster(cleaned) == cleaned
    assert dropped_roster_columns(raw) == ["téléphone", "email"]


def test_clean_roster_gives_back_the_same_bytes_when_nothing_is_dropped():
    """A roster without personal columns is stored byte for byte (its SHA-256 unchanged)."""
    raw = (TINY / "roster.csv").read_bytes()
    assert clean_roster(raw) is raw


def test_cleaned_roster_is_the_same_instance(tmp_path):
    """Reading the cleaned bytes gives the instance the original gave: nothing the planner used is lost."""
    folder = _with_columns(tmp_path, "telephone,email", "0612345678,a@exemple.fr")
    files = [(folder / name).read_bytes() for name in ("communes.csv", "roster.csv", "scenario.toml")]
    original = parse_territory(*files, name="t")
    cleaned = parse_territory(files[0], clean_roster(files[1]), files[2], name="t")
    assert cleaned == original


def test_dataframe_roster_with_personal_and_unknown_columns():
    """An upload read as a DataFrame: the same rules."""
    import pandas as pd

    files = [(TINY / name).read_bytes() for name in ("communes.csv", "roster.csv", "scenario.toml")]
    frame = pd.read_csv(TINY / "roster.csv", dtype=str, keep_default_na=False)
    frame["Téléphone"] = "0612345678"
    assert len(parse_territory(files[0], frame, files[2]).staff) == 5
    frame["remarques"] = "x"
    with pytest.raises(InputError) as info:
        parse_territory(files[0], frame, files[2])
    assert [p.column for p in info.value.problems] == ["remarques"]
