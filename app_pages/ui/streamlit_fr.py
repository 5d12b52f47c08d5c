"""Streamlit's own English words in the app, put in French where the app can reach them.

Streamlit 1.67 has no language setting: its widgets print English that no parameter changes. Where a
word is plain text in the page (the upload box's button and size hint, the "No results" of an empty
list), a style sheet hides it and shows the French word instead, by the widgets' ``data-testid`` and
ARIA attributes (tests/test_browser.py checks that they still match). Tooltips and menus drawn from
attributes or inside canvases cannot be reached this way: README.md lists them.
"""

from __future__ import annotations

import streamlit as st

from app_pages.ui.territory_files import MAX_UPLOAD_BYTES

UPLOAD_BUTTON = "Choisir le fichier"
UPLOAD_HINT = f"{MAX_UPLOAD_BYTES // (1024 * 1024)} Mo au plus, ou glissez-le ici"
DROP_HERE = "Déposez le fichier ici"
NO_RESULTS = "Aucun résultat"
#: Placeholder of the pickers (Streamlit's is "Choose an option", shown while typing to filter).
CHOOSE = "Choisissez…"


def _replace(selector: str, text: str) -> str:
    """CSS that hides the text of ``selector`` and shows ``text`` in its place, at the same size."""
    return (
        f"{selector} {{ font-size: 0 !important; }}\n"
        f'{selector}::after {{ content: "{text}"; font-size: var(--tournee-size, 0.875rem); }}\n'
    )


_DROPZONE = '[data-testid="stFileUploaderDropzone"]'

CSS = (
    f"{_DROPZONE} button {{ --tournee-size: 0.875rem; }}\n"
    + _replace(f'{_DROPZONE} button [data-testid="stMarkdownContainer"] p', UPLOAD_BUTTON)
    + _replace('[data-testid="stFileUploaderDropzoneInstructions"] span', UPLOAD_HINT)
    + _replace(f"{_DROPZONE} > div:not([data-testid]) > span", DROP_HERE)  # shown while a file is dragged over
    + _replace('[role="listbox"][data-empty="true"] [role="option"] span', NO_RESULTS)
)


def use_french() -> None:
    """Put the style sheet in the page (once per run, before any widget; it takes no room)."""
    st.html(f"<style>{CSS}</style>")
