"""Who to tell after an accepted change, on any page: the people and the communes (town halls), each
with its ready-to-send French message (`planner.notices`): the text to copy, a link that opens it in
the coordinator's mail program, and every message in one file (a-prevenir.txt, as the CLI writes)."""

from __future__ import annotations

import streamlit as st

from planner.results import Notices


def show_notices(to_tell: Notices, *, when: str = "") -> None:
    """ "À prévenir": each person and commune of ``to_tell`` in an expander with its message;
    ``when`` ends the caption (« , une fois le nouveau plan accepté »)."""
    st.subheader("À prévenir")
    if to_tell.is_empty:
        st.caption("Personne ni aucune commune à prévenir : aucun planning ne change.")
        return
    st.caption(
        f"{to_tell.headline} : un message prêt à envoyer pour chacun, à copier (icône en haut à droite du "
        f"message) ou à ouvrir dans votre messagerie{when}."
    )
    for title, group in (("Personnes", to_tell.people), ("Communes (mairies)", to_tell.communes)):
        if group:
            st.markdown(f"**{title}**")
        for notice in group:
            with st.expander(notice.name):
                st.code(notice.body, language=None, wrap_lines=True)
                st.markdown(f"[Écrire ce message dans la messagerie]({notice.mailto})")
    st.download_button(
        "Télécharger tous les messages (a-prevenir.txt)", to_tell.text(), file_name="a-prevenir.txt", mime="text/plain"
    )
