"""About: every definition in plain words, the version, and where the data lives."""

from __future__ import annotations

import streamlit as st

from dashboard import ui
from pipelines import __version__, config

DEFINITIONS = (
    "stages",
    "interactions",
    "people",
    "slacktivism",
    "per_1000",
    "show_up",
    "going_conversion",
    "unknown",
    "interval",
    "pyramid",
    "channels",
    "small",
)

c = ui.context()
st.title(c.t("page.about"))
st.markdown(c.t("about.intro"))
st.subheader(c.t("about.definitions"))
for name in DEFINITIONS:
    st.markdown(c.t(f"about.def.{name}"))
st.subheader(c.t("about.where"))
if c.board:  # the server's folders are no business of the board's
    st.markdown(c.t("about.where.board"))
else:
    db = config.database_path()
    st.markdown(c.t("about.database", path=db))
    st.markdown(c.t("about.key", path=config.key_path(db)))
st.markdown(c.t("about.version", version=__version__))
st.subheader(c.t("about.roles"))
st.markdown(c.t("about.roles.text"))
