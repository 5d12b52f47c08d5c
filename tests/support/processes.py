"""Stopping the servers a test started (Streamlit, a Dask scheduler and worker)."""

from __future__ import annotations

import subprocess


def stop(process: subprocess.Popen, seconds: float) -> None:
    """Asks ``process`` to end, and kills it if it has not within ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
