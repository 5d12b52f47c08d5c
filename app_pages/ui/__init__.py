"""What the app's pages share, one job each.

`access` (the coordinator's password), `session` (the coordinator's working copy, kept in the
workspace so that it survives a reload), `plan_cache` (plans solved once per server),
`territory_files` (files being edited or uploaded), `files` (workspace, publishing, what public pages
show — only what was published —, personal links, downloads), `views` (maps, charts, week grids),
`adjust` (the manual moves, pins and banned days of "Planifier"), `failures` (why a plan failed, with
the page and setting to change), `streamlit_fr` (Streamlit's own English words that a style sheet can
put in French).
"""
