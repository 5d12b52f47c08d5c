"""Studies: many plans of one territory (how many units, how many volunteers?) or of every
intercommunality of a region at once, with their figures, chart and ranking (docs/studies.md).

Each scenario is written as a territory's three files and planned with the normal `plan`, so that
`planner plan` reproduces any row. Dask is imported only by `runner` when a cluster is asked for.
May import every stage of the library (it plans, reads results and writes files), never `cli`.
"""
