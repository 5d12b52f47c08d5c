"""Running a study's tasks: one after the other in this process, or as independent tasks on Dask
distributed (a `LocalCluster` of single-threaded worker processes by default, or an existing
cluster's scheduler, used unchanged).

Results reach ``on_result`` as tasks finish, in completion order; a task that raises or whose worker
dies becomes a failed result with its reason, and the others go on. Dask is imported here only,
so the rest of the library installs and runs without it (``pip install -e '.[study]'``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import ExitStack

from planner.studies.figures import failed_row
from planner.studies.grid import StudyError
from planner.studies.scenario_files import INSTALL_HINT
from planner.studies.task import ScenarioResult, ScenarioTask, run_task

#: Worker processes of the default local cluster: one per core of a two-core machine.
DEFAULT_WORKERS = 2

OnResult = Callable[[ScenarioResult], None]


def run_serially(tasks: Sequence[ScenarioTask], on_result: OnResult) -> None:
    """Every task in this process, in order."""
    for task in tasks:
        on_result(run_task(task))


def _distributed():
    try:
        import distributed
    except ImportError:
        msg = f"le calcul réparti a besoin de Dask distributed ; installez-le avec : {INSTALL_HINT}"
        raise StudyError(msg) from None
    return distributed


def _lost(task: ScenarioTask, exc: BaseException | None) -> ScenarioResult:
    """The result of a task whose worker failed it (killed, out of memory, cannot unpickle…)."""
    reason = f"tâche perdue par le calcul réparti ({type(exc).__name__} : {exc})"
    return ScenarioResult(task.id, failed_row(reason, scenario=task.id, territory=task.base.name))


def run_on_dask(
    tasks: Sequence[ScenarioTask],
    on_result: OnResult,
    *,
    scheduler: str | None = None,
    workers: int = DEFAULT_WORKERS,
) -> None:
    """Every task on Dask: the cluster at ``scheduler`` (``tcp://host:8786``), or a `LocalCluster` of
    ``workers`` single-threaded processes started here and shut down at the end."""
    distributed = _distributed()
    with ExitStack() as stack:
        if scheduler:
            try:
                client = stack.enter_context(distributed.Client(scheduler, timeout="20s"))
            except (OSError, TimeoutError) as exc:
                msg = f"ordonnanceur Dask « {scheduler} » injoignable ({exc}) ; vérifiez l'adresse (tcp://hôte:8786)"
                raise StudyError(msg) from None
        else:
            cluster = stack.enter_context(
                distributed.LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # any free port: others may run a cluster here
                    silence_logs=logging.ERROR,
                )
            )
            client = stack.enter_context(distributed.Client(cluster))
        futures = client.map(run_task, list(tasks), pure=False)
        task_of = {future.key: task for future, task in zip(futures, tasks, strict=True)}
        for future in distributed.as_completed(futures, loop=client.loop):  # this client's, not the default one
            if future.status == "finished":
                result = future.result()
            else:
                result = _lost(task_of[future.key], future.exception())
            future.release()
            on_result(result)
