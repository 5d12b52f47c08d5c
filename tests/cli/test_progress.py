"""The progress of long commands (`planner.cli_commands.progress`): plain lines where there is no
terminal, a tqdm bar with the step and the elapsed time on a terminal."""

from __future__ import annotations

import io
import time

from planner.cli_commands.progress import ProgressBar, plain_line


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_where_there_is_no_terminal():
    """A pipe, a file or the tests get the lines scripts read, ``[ 10 %] step``, one per step."""
    stream = io.StringIO()
    with ProgressBar(stream) as progress:
        assert not progress.bar
        progress(0.0, "lecture")
        progress(0.1, "motif hebdomadaire")
        progress(1.0, "terminé")
    assert stream.getvalue() == "[  0 %] lecture\n[ 10 %] motif hebdomadaire\n[100 %] terminé\n"
    assert plain_line(0.456, "x") == "[ 46 %] x"


def test_a_bar_with_the_step_and_the_elapsed_time_on_a_terminal():
    """On a terminal: one line redrawn (carriage returns) with the step, the percentage and the time,
    ended when the command is done."""
    stream = _Terminal()
    with ProgressBar(stream) as progress:
        assert progress.bar
        progress(0.0, "lecture des communes")
        progress(0.5, "localisation des mairies")
    text = stream.getvalue()
    assert "\r" in text and text.endswith("\n")
    last = text.rstrip("\n").split("\r")[-1]
    assert last.startswith("localisation des mairies |")
    assert " 50 % 00:00" in last
    assert "[ 50 %]" not in text


def test_the_bar_is_closed_even_when_the_command_fails():
    """An error midway still ends the bar's line, so that the error message starts a line of its own."""
    stream = _Terminal()
    try:
        with ProgressBar(stream) as progress:
            progress(0.3, "calcul")
            raise RuntimeError("arrêt")
    except RuntimeError:
        pass
    assert stream.getvalue().endswith("\n")
    assert progress._tqdm is None


def test_the_elapsed_time_counts_during_a_long_step(monkeypatch):
    """Between two steps the bar is redrawn, so that a long step does not look frozen; closing stops it."""
    from planner.cli_commands import progress as module

    monkeypatch.setattr(module, "TICK_SECONDS", 0.01)
    stream = _Terminal()
    with ProgressBar(stream) as progress:
        progress(0.2, "calcul")
        ticker = progress._ticker
        for _ in range(200):
            if stream.getvalue().count("calcul |") >= 3:
                break
            time.sleep(0.01)
    assert stream.getvalue().count("calcul |") >= 3
    assert ticker is not None and not ticker.is_alive()


def test_fractions_outside_0_to_1_do_not_break_the_bar():
    stream = _Terminal()
    with ProgressBar(stream) as progress:
        progress(1.5, "fin")
        progress(-1, "début")
    assert "100 %" in stream.getvalue()


def test_the_library_never_imports_tqdm():
    """Only the command line shows a bar: no module of the library but `planner.cli_commands` names tqdm."""
    from pathlib import Path

    import planner

    root = Path(planner.__file__).parent
    users = {p.relative_to(root).as_posix() for p in root.rglob("*.py") if "tqdm" in p.read_text(encoding="utf-8")}
    assert users == {"cli_commands/progress.py"}
