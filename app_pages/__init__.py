"""The app's pages and their helpers (see app.py, which declares the pages).

`pages/` holds one Streamlit script per page, named in French as in the app's menu: the public
`habitants` and `medecin`, the coordination's `territoire`, `parametres`, `planifier`,
`replanifier`, `publier` and `etude`. `ui/` holds the helpers the pages share, one job each.
Pages and helpers import of the library only `planner` and the stages' faces (`planner.<stage>`).
"""
