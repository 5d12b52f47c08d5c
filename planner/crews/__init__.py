"""Stage 3, crews: who fills which role on which dated tour.

`rota_rules` (one function per hard or soft rule), `rota_search` (CP-SAT), `staffing` (which
weekdays can be crewed at all), `uncrewed` (why a tour has no crew) and `reschedule` (moving an
uncrewed tour to a free day). May import `planner.domain` and `planner.tours`.
"""
