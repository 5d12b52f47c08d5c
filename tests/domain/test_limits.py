"""Identifiers (planner.domain.limits): NFKC-normalised, refused with an invisible or control character."""

from __future__ import annotations

import pytest

from planner.domain import identifier_problem, invisible_character, normalise_identifier

INVISIBLE = {
    "\u200b": "ZERO WIDTH SPACE",
    "\u200c": "ZERO WIDTH NON-JOINER",
    "\u200d": "ZERO WIDTH JOINER",
    "\u2060": "WORD JOINER",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u200f": "RIGHT-TO-LEFT MARK",
    "\u00ad": "SOFT HYPHEN",
    "\x00": "NUL",
    "\x07": "caractère de contrôle",
    "\t": "tabulation",
    "\x7f": "caractère de contrôle",
    "\x85": "caractère de contrôle",
    "\x9b": "caractère de contrôle",
    "\ufe0f": "VARIATION SELECTOR-16",
    "\u3164": "HANGUL FILLER",
}


@pytest.mark.parametrize("ch", list(INVISIBLE))
def test_invisible_and_control_characters_are_refused_in_identifiers(ch):
    """``m01`` followed by the character is no identifier: the message names the character in French."""
    assert invisible_character(f"m01{ch}") == ch
    problem = identifier_problem(f"m0{ch}1")
    assert problem is not None and f"U+{ord(ch):04X}" in problem and INVISIBLE[ch] in problem
    assert problem.startswith("caractère invisible ou de contrôle") and "attendu : un identifiant" in problem


@pytest.mark.parametrize("text", ["m01", "76217", "2A004", "Médicobus d'Eu", "７６００８", "ｍ０１", "Saint-Lô"])
def test_visible_identifiers_pass(text):
    assert identifier_problem(text) is None


def test_nfkc_normalisation():
    """Full-width digits and letters (an input method's) are the ASCII ones; accents stay composed."""
    assert normalise_identifier("７６００８") == "76008"
    assert normalise_identifier("ｍ０１") == "m01"
    assert normalise_identifier(" m01 ") == "m01"
    assert normalise_identifier("Saint-Lo\u0302") == "Saint-Lô"
    assert normalise_identifier("ﬁnistère") == "finistère"
