"""Publishing: plan JSON, atomic files, formula-safe CSV, iCalendar feeds, posters, the version store,
and `publish_version`, the one publishing sequence of the CLI and the app.

May import `planner.domain` and `planner.results`; never a solver.
"""
