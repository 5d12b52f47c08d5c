"""The current need indicator files fetched from their public addresses (`planner data besoin
--telecharger`); docs/formats.md, « Indicateurs de besoin », lists the addresses.

The DREES publishes the APL to médecins généralistes of every commune on data.gouv.fr: the dataset's
description (`APL_DATASET_API`) names its files, and the newest workbook of médecins généralistes is
downloaded. The Assurance maladie publishes the patients without a médecin traitant by department and
region only (data.ameli.fr): a commune file comes from the local CPAM, so it is never downloaded.
`http_get` is the one function that reaches the network (the tests replace it).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

from planner.inputs.need_indicators import SOURCE_APL, Indicator, IndicatorError, read_indicator

#: data.gouv.fr's description of the DREES's dataset « L'accessibilité potentielle localisée (APL) ».
APL_DATASET_API = (
    "https://www.data.gouv.fr/api/1/datasets/accessibilite-potentielle-localisee-apl-aux-professionnels-de-sante/"
)
#: Where the Assurance maladie publishes its counts (by department and region, not by commune).
WITHOUT_GP_PAGE = "https://data.ameli.fr/pages/data-acces-aux-soins/"
TIMEOUT_S = 60
USER_AGENT = "tournee-planner (planner data besoin)"
OFFLINE_HINT = "Sans connexion, téléchargez le fichier vous-même et donnez-le avec --apl FICHIER."


def http_get(url: str) -> bytes:
    """The body of a GET of ``url``; raises `IndicatorError` in French when the network fails."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return bytes(response.read())
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        msg = f"téléchargement impossible de {url} ({getattr(exc, 'reason', exc)}). {OFFLINE_HINT}"
        raise IndicatorError(msg) from exc


def apl_file_url() -> tuple[str, str]:
    """(address, title) of the newest APL workbook of médecins généralistes of the DREES's dataset."""
    try:
        dataset = json.loads(http_get(APL_DATASET_API))
    except json.JSONDecodeError as exc:
        msg = f"réponse illisible de {APL_DATASET_API}. {OFFLINE_HINT}"
        raise IndicatorError(msg) from exc
    files = [
        r
        for r in dataset.get("resources", ())
        if re.search(r"m[ée]decins? g[ée]n[ée]ralistes", str(r.get("title", "")), re.IGNORECASE)
        and re.search(r"xlsx|spreadsheetml", f"{r.get('format', '')} {r.get('url', '')}", re.IGNORECASE)
    ]
    if not files:
        msg = f"aucun classeur de l'APL aux médecins généralistes dans {APL_DATASET_API}. {OFFLINE_HINT}"
        raise IndicatorError(msg)
    newest = max(files, key=lambda r: str(r.get("last_modified", "")))
    return str(newest["url"]), str(newest.get("title", ""))


def download_apl() -> Indicator:
    """The APL of every commune, from the newest workbook the DREES publishes."""
    url, title = apl_file_url()
    return read_indicator(http_get(url), SOURCE_APL, label=title or url)
