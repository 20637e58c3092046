"""Welcome: an empty database opens here, with the sample campaign one click away."""

from __future__ import annotations

import streamlit as st

from dashboard import data, i18n, loading, pages, ui


def load_sample(c: ui.Context) -> None:
    files, _skipped = loading.sample_files()
    if not files:
        st.warning(c.t("welcome.no_sample"))
        return
    bar = st.progress(0.0, text=c.t("data.progress_start"))
    refused = []

    def refreshing(step: str) -> None:
        bar.progress(1.0, text=c.label("step", step))

    try:
        with data.writing(), loading.importing(refreshing) as import_file:
            for i, path in enumerate(files):
                bar.progress(i / len(files), text=c.t("data.progress_file", file=path.name))
                try:
                    import_file(path)
                except loading.TurnoutError as error:
                    refused.append(i18n.error(c.lang, error))
    except loading.TurnoutError as error:  # the figures could not be brought up to date
        refused.append(i18n.error(c.lang, error))
    bar.progress(1.0, text=c.t("data.progress_done"))
    for message in refused:
        st.error(message)
    if not refused:
        st.rerun()


c = ui.context()
st.title(c.t("welcome.title"))
st.markdown(c.t("welcome.intro"))
if c.board:
    st.info(c.t("welcome.board"))
    st.stop()
left, right = st.columns(2)
with left:
    st.markdown(c.t("welcome.sample"))
    if st.button(c.t("welcome.load_sample"), type="primary", key="load_sample"):
        load_sample(c)
with right:
    st.markdown(c.t("welcome.upload"))
    if st.button(c.t("welcome.go_upload"), key="go_upload"):
        loading.ensure_database()
        st.switch_page(pages.page("data").file)
