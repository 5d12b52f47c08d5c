"""Publishing: plan JSON and a plan's inputs, atomic files, formula-safe CSV, iCalendar feeds, posters,
the version store and its backups, private addresses, forgetting a person, and `publish_version`, the
one all-or-nothing publishing sequence of the CLI and the app (readers follow `current_path`).

May import `planner.domain`, `planner.inputs`, `planner.travel`, `planner.tours`, `planner.crews`,
`planner.check`, `planner.results` and `planner.planning`, but never runs a solver: a plan is
published as it was made, after the independent validator has checked it.

This face exports what the studies, the command line and the app use of publishing. Names are
imported on first use: the version store and the feeds need neither OR-Tools nor pandas, which the
output tables load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planner.domain.lazy_names import import_on_first_use

#: Each exported name by the module that defines it, imported on first use (`__getattr__`).
_EXPORTS = {
    "AccountError": "planner.publish.accounts",
    "AccountStore": "planner.publish.accounts",
    "DEFAULT_ACCOUNT": "planner.publish.accounts",
    "Backup": "planner.publish.backups",
    "create_backup": "planner.publish.backups",
    "list_backups": "planner.publish.backups",
    "restore_backup": "planner.publish.backups",
    "cancelled_sessions": "planner.publish.event_ledger",
    "commune_feed_name": "planner.publish.feed_names",
    "slug": "planner.publish.feed_names",
    "webcal_url": "planner.publish.feed_names",
    "FeedIndex": "planner.publish.feeds",
    "publish_feeds": "planner.publish.feeds",
    "write_atomic": "planner.publish.files",
    "instance_fingerprint": "planner.publish.fingerprint",
    "ForgetReport": "planner.publish.forget",
    "forget_person": "planner.publish.forget",
    "write_outputs": "planner.publish.outputs",
    "PlanInputs": "planner.publish.plan_inputs",
    "Settings": "planner.publish.plan_inputs",
    "TerritoryFiles": "planner.publish.plan_inputs",
    "change_from_dict": "planner.publish.plan_inputs",
    "change_to_dict": "planner.publish.plan_inputs",
    "inputs_of_plan_file": "planner.publish.plan_inputs",
    "sha256": "planner.publish.plan_inputs",
    "plan_from_dict": "planner.publish.plan_json",
    "plan_to_dict": "planner.publish.plan_json",
    "plan_to_json": "planner.publish.plan_json",
    "read_plan_file": "planner.publish.plan_json",
    "read_plan_json": "planner.publish.plan_json",
    "grid_table_html": "planner.publish.posters",
    "person_list": "planner.publish.posters",
    "week_page": "planner.publish.posters",
    "write_posters": "planner.publish.posters",
    "Publication": "planner.publish.publication",
    "check_publishable": "planner.publish.publication",
    "check_territory": "planner.publish.publication",
    "current_folder": "planner.publish.publication_folder",
    "current_path": "planner.publish.publication_folder",
    "publish_version": "planner.publish.publication",
    "published_file": "planner.publish.publication_folder",
    "recover": "planner.publish.publication",
    "csv_text": "planner.publish.safe_csv",
    "safe_cell": "planner.publish.safe_csv",
    "write_csv": "planner.publish.safe_csv",
    "add_sheet": "planner.publish.spreadsheet",
    "DB_NAME": "planner.publish.store",
    "PlanStore": "planner.publish.store",
    "private_feed_path": "planner.publish.subscriptions",
    "subject_label": "planner.publish.subscriptions",
    "UndoHistory": "planner.publish.undo_history",
    "keep_unpublished": "planner.publish.undo_history",
    "unpublished": "planner.publish.undo_history",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # what type checkers see: the names themselves
    from planner.publish.accounts import DEFAULT_ACCOUNT, AccountError, AccountStore  # noqa: F401
    from planner.publish.backups import Backup, create_backup, list_backups, restore_backup  # noqa: F401
    from planner.publish.event_ledger import cancelled_sessions  # noqa: F401
    from planner.publish.feed_names import commune_feed_name, slug, webcal_url  # noqa: F401
    from planner.publish.feeds import FeedIndex, publish_feeds  # noqa: F401
    from planner.publish.files import write_atomic  # noqa: F401
    from planner.publish.fingerprint import instance_fingerprint  # noqa: F401
    from planner.publish.forget import ForgetReport, forget_person  # noqa: F401
    from planner.publish.outputs import write_outputs  # noqa: F401
    from planner.publish.plan_inputs import (  # noqa: F401
        PlanInputs,
        Settings,
        TerritoryFiles,
        change_from_dict,
        change_to_dict,
        inputs_of_plan_file,
        sha256,
    )
    from planner.publish.plan_json import (  # noqa: F401
        plan_from_dict,
        plan_to_dict,
        plan_to_json,
        read_plan_file,
        read_plan_json,
    )
    from planner.publish.posters import grid_table_html, person_list, week_page, write_posters  # noqa: F401
    from planner.publish.publication import (  # noqa: F401
        Publication,
        check_publishable,
        check_territory,
        publish_version,
        recover,
    )
    from planner.publish.publication_folder import current_folder, current_path, published_file  # noqa: F401
    from planner.publish.safe_csv import csv_text, safe_cell, write_csv  # noqa: F401
    from planner.publish.spreadsheet import add_sheet  # noqa: F401
    from planner.publish.store import DB_NAME, PlanStore  # noqa: F401
    from planner.publish.subscriptions import private_feed_path, subject_label  # noqa: F401
    from planner.publish.undo_history import UndoHistory, keep_unpublished, unpublished  # noqa: F401
else:
    __getattr__ = import_on_first_use(globals(), _EXPORTS)
