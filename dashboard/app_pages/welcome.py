"""Welcome: an empty database opens here, with the sample campaign one click away."""

from __future__ import annotations

import streamlit as st

from dashboard import data, i18n, loading, pages, ui


def load_sample(c: ui.Context) -> None:
    files = loading.sample_files()
    if not files:
        st.warning(c.t("welcome.no_sample"))
        return
    bar = st.progress(0.0, text=c.t("data.progress_start"))

    def progress(at: loading.Step) -> None:
        if at.file is None:  # the figures, once for the whole batch
            bar.progress(1.0, text=c.label("step", at.step))
        elif at.step is None:
            bar.progress(at.index / at.total, text=c.t("data.progress_file", file=at.file))

    with data.writing():
        outcome = loading.import_batch(files, progress)
    bar.progress(1.0, text=c.t("data.progress_done"))
    for name, error in outcome.refusals:
        st.error(
            i18n.error(c.lang, error)
            if isinstance(error, loading.TurnoutError)
            else c.t("data.not_saved", file=name)
        )
    if not outcome.refusals:
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
