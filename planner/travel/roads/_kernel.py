"""Many-to-many shortest paths on a CSR road graph, with minutes and km from one Dijkstra run.

This module imports only numpy and scipy so that worker processes start fast.

Minutes and km come from a single run on *lexicographic* integer weights: each edge weighs
``time_ms * LENGTH_SPAN + length_m``. Minimising that sum minimises travel time first (to the
millisecond per edge) and, among equally fast paths, length; the km of the chosen path are the low
digits of its distance. Every weight and every sum is an integer below 2**53, so float64 adds them
exactly and the split back into (ms, m) is exact. Limits: a path shorter than 2**25 m (33,554 km)
and faster than 2**28 ms (74 h) — far beyond any drive in France. Rounding each edge to the
millisecond and the metre makes a path's time off by at most half a millisecond per edge.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

#: Metres are stored in the low bits: a path may be up to LENGTH_SPAN - 1 metres long.
LENGTH_SPAN = 2**25
#: Largest travel time (ms) a path may have for the encoding to stay exact in float64.
MAX_PATH_MS = 2**53 // LENGTH_SPAN - 1
#: Above this many (source × node) settlements, sources are spread over worker processes.
PARALLEL_WORK = 30_000_000
#: Rows of the full (sources × nodes) distance array held at once, to bound memory.
ROWS_BUDGET = 8_000_000


def encode_weights(seconds: np.ndarray, metres: np.ndarray) -> np.ndarray:
    """Lexicographic edge weights (see module docstring); every edge takes at least 1 ms."""
    ms = np.maximum(1, np.rint(np.asarray(seconds, dtype=float) * 1000.0)).astype(np.int64)
    m = np.rint(np.asarray(metres, dtype=float)).astype(np.int64)
    if (m < 0).any() or (m >= LENGTH_SPAN).any() or (ms > MAX_PATH_MS).any():
        msg = "edge lengths must lie in [0, 33,554 km) and travel times below 74 h"
        raise ValueError(msg)
    return (ms * LENGTH_SPAN + m).astype(np.float64)


def decode(dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split encoded path weights into (minutes, km)."""
    whole = np.rint(dist).astype(np.int64)
    ms, m = np.divmod(whole, LENGTH_SPAN)
    return ms / 60_000.0, m / 1000.0


def _rows(graph: csr_matrix, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Encoded distances sources × targets, a few sources at a time to bound memory."""
    n = graph.shape[0]
    step = max(1, ROWS_BUDGET // max(n, 1))
    out = np.empty((len(sources), len(targets)))
    for start in range(0, len(sources), step):
        chunk = sources[start : start + step]
        out[start : start + len(chunk)] = dijkstra(graph, directed=True, indices=chunk)[:, targets]
    return out


_WORKER_GRAPH: csr_matrix | None = None


def _init_worker(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, n: int) -> None:
    global _WORKER_GRAPH
    _WORKER_GRAPH = csr_matrix((data, indices, indptr), shape=(n, n))


def _worker_rows(sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    assert _WORKER_GRAPH is not None
    return _rows(_WORKER_GRAPH, sources, targets)


def many_to_many(
    graph: csr_matrix,
    sources: Sequence[int] | np.ndarray,
    targets: Sequence[int] | np.ndarray,
    *,
    workers: int | None = None,
) -> np.ndarray:
    """Encoded shortest-path weights from each source node to each target node (``inf`` if none).

    ``workers``: processes to use; ``None`` picks 1 for small jobs and every core for large ones
    (scipy's Dijkstra holds the GIL, so threads would not help). See `_start_method` for how the
    worker processes start.
    """
    sources = np.asarray(sources, dtype=np.int64)
    targets = np.asarray(targets, dtype=np.int64)
    n = graph.shape[0]
    if workers is None:
        workers = (multiprocessing.cpu_count() or 1) if len(sources) * n > PARALLEL_WORK else 1
    workers = max(1, min(workers, len(sources)))
    method = _start_method()
    if workers == 1 or method is None:
        return _rows(graph, sources, targets)
    parts = np.array_split(sources, workers)
    ctx = multiprocessing.get_context(method)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(graph.data, graph.indices, graph.indptr, n),
    ) as pool:
        results = list(pool.map(_worker_rows, parts, [targets] * len(parts)))
    return np.vstack(results)


def _start_method() -> str | None:
    """ "fork" (instant, the graph is shared) from a single-threaded program such as the CLI;
    ``None`` (stay in this process) when other threads run, as in a web server: forking a threaded
    process can deadlock, and a spawned worker re-runs the ``__main__`` script — under Streamlit,
    the app itself.
    """
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return None


def predecessors(graph: csr_matrix, sources: np.ndarray) -> np.ndarray:
    """Predecessor rows (sources × nodes) of the same shortest paths as `many_to_many`."""
    _, pred = dijkstra(graph, directed=True, indices=np.asarray(sources), return_predecessors=True)
    return np.atleast_2d(pred)


def walk_back(pred_row: np.ndarray, source: int, target: int) -> list[int]:
    """Node indices of the path source → target from one predecessor row ([] if unreachable)."""
    if source == target:
        return [source]
    path = [target]
    node = target
    while node != source:
        node = int(pred_row[node])
        if node < 0:
            return []
        path.append(node)
    path.reverse()
    return path
