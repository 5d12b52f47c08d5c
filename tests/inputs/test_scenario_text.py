"""scenario.toml's text (planner.inputs.scenario_text): TOML syntax, each problem on its line."""

from __future__ import annotations

from tests.support.territory_files import problems_of, territory


def test_toml_syntax_error_names_the_line(tmp_path):
    folder = territory(tmp_path, scenario=[("weeks = 2", "weeks = ")])
    (problem,) = problems_of(folder)
    assert (problem.file, problem.row) == ("scenario.toml", 6) and "syntaxe TOML" in problem.message
