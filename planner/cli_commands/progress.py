"""The progress of a long command (`planner plan`, `planner data import`) on standard error.

The library reports its steps through a ``progress(fraction, message)`` callback and never prints.
On a terminal, `ProgressBar` shows them as a `tqdm` bar with the step's name and the elapsed time
(redrawn every second, so that the time counts during a long step);
elsewhere (tests, CI, pipes, a log file) it prints the plain lines ``[ 10 %] message`` that scripts
read, one per step. Only the command line imports `tqdm`.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm  # type: ignore[import-untyped]  # no stubs installed

#: Seconds between two redraws of the bar while a step lasts, so that its elapsed time keeps counting.
TICK_SECONDS = 1.0
#: The bar: step, bar, percentage and elapsed time (``localisation des mairies  |███   | 50 % 00:03``).
BAR_FORMAT = "{desc} |{bar}| {percentage:3.0f} % {elapsed}"


def plain_line(fraction: float, message: str) -> str:
    """A step as printed where there is no terminal: ``[ 10 %] message``."""
    return f"[{fraction * 100:3.0f} %] {message}"


class ProgressBar:
    """A ``progress(fraction, message)`` callback, a bar on a terminal and plain lines elsewhere.

    Use it as a context manager, so that the bar is closed (its line ended) whatever happens::

        with ProgressBar() as progress:
            plan(instance, options, progress=progress)
    """

    def __init__(self, stream: TextIO | None = None, *, bar: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.bar = _is_terminal(self.stream) if bar is None else bar
        self._tqdm: tqdm | None = None
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __call__(self, fraction: float, message: str) -> None:
        if not self.bar:
            print(plain_line(fraction, message), file=self.stream, flush=True)
            return
        if self._tqdm is None:
            from tqdm import tqdm

            self._tqdm = tqdm(total=100, file=self.stream, bar_format=BAR_FORMAT, leave=True, dynamic_ncols=True)
            self._ticker = threading.Thread(target=self._tick, args=(self._tqdm,), daemon=True, name="progress")
            self._ticker.start()
        self._tqdm.set_description_str(message, refresh=False)
        self._tqdm.n = round(min(max(fraction, 0.0), 1.0) * 100)
        self._tqdm.refresh()

    def _tick(self, bar: tqdm) -> None:
        """Redraw ``bar`` every `TICK_SECONDS` (the elapsed time of a long step) until closed."""
        while not self._stop.wait(TICK_SECONDS):
            bar.refresh()

    def close(self) -> None:
        """Stop redrawing and end the bar's line (nothing to do for plain lines)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream: plain lines
        return False
