"""A download made from the database only when asked for, that says so when it cannot be made.

Streamlit runs a deferred download (``data=callable``) outside the page: when an import holds
the database, the click fails without a word. Here the file is made in the page's own run,
after a "prepare" click, so a busy database gets the reader's message instead.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import data, ui
from pipelines.errors import DatabaseBusy


def on_request(
    c: ui.Context,
    prepare_label: str,
    label: str,
    make: Callable[[], bytes],
    file_name: str,
    mime: str,
    key: str,
) -> None:
    slot = st.empty()
    if not slot.button(prepare_label, key=f"{key}_prepare"):
        return
    try:
        content = make()
    except (DatabaseBusy, data.Unavailable):
        st.warning(c.t("busy.download"))  # the button stays, to try again
        return
    slot.download_button(
        label, content, file_name, mime, key=key, on_click="ignore", type="primary"
    )
