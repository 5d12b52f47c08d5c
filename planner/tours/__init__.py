"""Stage 2, tours: which commune each unit serves on which weekday (the weekly pattern), laid over the
real dates, each day ordered and timed.

`pattern_problem` derives slots and candidates, `pattern_search` chooses with CP-SAT,
`greedy_pattern` is its hint and baseline, `rollout` lays the pattern over the calendar and
`day_routing` times one day with OR-Tools routing. May import `planner.domain`.
"""
