"""Publishing: plan JSON and a plan's inputs, atomic files, formula-safe CSV, iCalendar feeds, posters,
the version store, private addresses, and `publish_version`, the one all-or-nothing publishing
sequence of the CLI and the app.

Imports the stages before it (docs/architecture.md) but never runs a solver: a plan is published as
it was made, after the independent validator has checked it.
"""
