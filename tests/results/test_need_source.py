"""Tests of the sentence saying which communes' need is real and which the proxy
(`planner.results.need_source`), on communes and on a DataFrame."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from planner.inputs import load_communes
from planner.results import need_source_sentence
from tests.support.paths import TINY


def communes_with(sources: dict[str, str]):
    communes = load_communes(TINY / "communes.csv")
    return [replace(c, need_source=sources.get(c.insee, "proxy")) for c in communes]


def test_all_proxy_says_so():
    sentence = need_source_sentence(communes_with({}))
    assert "indicateur de substitution" in sentence and "pour les 5 communes, aucun chiffre réel" in sentence


def test_mixed_sources_name_the_communes_of_each_group():
    sentence = need_source_sentence(communes_with({"76217": "sans-medecin", "76008": "apl", "76026": "apl"}))
    assert "chiffres réels pour 3 commune(s) sur 5" in sentence
    assert "APL aux médecins généralistes de la DREES : 2" in sentence
    assert "patients sans médecin traitant de l'Assurance maladie : 1" in sentence
    real, proxy = sentence.split(" ; ")
    assert all(name in real for name in ("Dieppe", "Ancourt", "Arques-la-Bataille"))
    assert "pour les 2 autres" in proxy and "Martigny" in proxy and "Offranville" in proxy


def test_all_real():
    sentence = need_source_sentence(communes_with(dict.fromkeys(("76217", "76008", "76026", "76413", "76482"), "apl")))
    assert sentence.startswith("Besoin : chiffres réels pour les 5 communes")


def test_a_frame_with_or_without_the_column():
    frame = pd.DataFrame({"name": [f"C{i}" for i in range(12)], "need_source": ["apl"] * 2 + [""] * 10})
    sentence = need_source_sentence(frame)
    assert "2 commune(s) sur 12" in sentence and "et 2 autre(s)" in sentence  # 10 proxy names, 8 listed
    assert "aucun chiffre réel" in need_source_sentence(frame.drop(columns="need_source"))
