"""digled's few scripts in the page, as files (digled/ui/js/), never inline.

The Content-Security-Policy digled is served with (deploy/Caddyfile) runs scripts from the app's
own address only: no inline script, so HTML that slips into a page can run nothing. The login's
cookie handover, the scrolls and the phone menu's closing are therefore files served by digled's
own route `/api/digled/js/` (Starlette's StaticFiles over digled/ui/js/, added in web.routes);
`run` puts `<script src=...>` into the page with its data as `data-` attributes, which the
script reads from `document.currentScript.dataset`. Streamlit's st.html runs such a script
each time it renders a changed body.
"""

from __future__ import annotations

import html
from pathlib import Path

import streamlit as st

DIRECTORY = Path(__file__).resolve().parent / "js"
PATH = "/api/digled/js"


def tag(name: str, **data) -> str:
    """The `<script>` element that runs digled/ui/js/<name>.js with `data` (keyword `then_path`
    becomes `data-then-path`; every value escaped as an attribute)."""
    if not (DIRECTORY / f"{name}.js").is_file():
        raise KeyError(name)
    attributes = "".join(
        f' data-{key.replace("_", "-")}="{html.escape("" if value is None else str(value), quote=True)}"'
        for key, value in data.items())
    return f'<script src="{PATH}/{name}.js"{attributes}></script>'


def run(name: str, **data) -> None:
    """Run digled/ui/js/<name>.js in the browser with `data` (see `tag`)."""
    st.html(tag(name, **data), unsafe_allow_javascript=True)
