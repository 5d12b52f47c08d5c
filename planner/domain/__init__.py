"""The domain: what an instance and a plan are, the errors, and the helpers every stage shares.

Owns the frozen types (`instance`: communes, sites, units, staff, rules; `plan`: tours, sessions,
shifts), the exceptions (`errors`), public holidays and closures (`calendar`), distances from
coordinates (`geo`), the travel-matrix type (`travel_matrix`) and French formatting (`french`).
Imports nothing of the project: every other stage may import it.
"""
