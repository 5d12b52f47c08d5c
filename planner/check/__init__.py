"""The independent check: every hard rule of a finished plan, re-checked without any solver code.

`context` (what rules read: legs from coordinates or from the road matrix), `tour_rules`,
`staff_rules`, and `validate` (the list of rules and the entry points). Imports `planner.domain`
only, so that a mistake in a solver or in a travel matrix cannot hide itself here.
"""
