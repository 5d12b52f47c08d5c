"""Stage 4, planning: the `plan()` pipeline and its options, what was left out and why, re-planning.

May import every stage below it (`domain`, `travel`, `tours`, `crews`) and `check` and `results`,
which it calls on every plan it returns.
"""
