"""What a plan gives people: KPIs, what was left out, the summary, tables, staff loads, plan diffs.

Computed from the dated tours and shifts (never from solver bookkeeping). May import `planner.domain`
and `planner.crews` (for what each person offered).
"""
