"""Data (campaign leads only): upload exports, import history, data quality, templates."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data, i18n, loading, ui

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE_NAMES = ("events_calendar", "signin_sheet", "facebook_event_counts")
AUTO = "__auto__"
# Streamlit 1.67 writes the drop zone's size line in English only, and states the server's
# limit, not this page's: hidden here, the page's own translated label and limit stand instead
UPLOADER_STYLE = """<style>
.st-key-upload_zone [data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
</style>"""


def stage_uploads(c: ui.Context, files) -> list[dict]:
    """Save each upload under its own name and recognise it; too-big files are refused."""
    folder = Path(st.session_state.setdefault("upload_dir", tempfile.mkdtemp("-turnout")))
    staged = []
    for upload in files:
        size_mb = upload.size / 1024 / 1024
        if size_mb > loading.MAX_UPLOAD_MB:
            st.warning(c.t("data.too_big", file=upload.name, size=i18n.number(c.lang, size_mb),
                           limit=i18n.number(c.lang, loading.MAX_UPLOAD_MB)))
            continue
        path = folder / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            source = loading.recognise(path)
        except loading.TurnoutError as error:
            st.error(c.t("data.refused", file=upload.name))
            st.caption(i18n.error(c.lang, error))
            continue
        staged.append({"path": path, "source": source})
    return staged


def confirm(c: ui.Context, staged: list[dict]) -> list[tuple[Path, str | None]]:
    """Show each detected format; per-event files ask which event they belong to."""
    events = data.event_choices() if data.state() == "ready" else pd.DataFrame()
    choices = [AUTO, *events.get("event_id", pd.Series(dtype=str)).tolist()]
    names = dict(zip(events.get("event_id", []), events.get("name", []), strict=True))
    plan = []
    for item in staged:
        path, source = item["path"], item["source"]
        st.markdown(c.t("data.detected", file=path.name, format=source.title))
        event = None
        if source.per_event:
            event = st.selectbox(c.t("data.which_event", file=path.name), choices,
                                 key=f"event_{path.name}", format_func=lambda e:
                                 c.t("data.event_auto") if e == AUTO else f"{names[e] or e} ({e})")
        plan.append((path, None if event in (None, AUTO) else event))
    return plan


def run_imports(c: ui.Context, plan: list[tuple[Path, str | None]]) -> None:
    bar = st.progress(0.0, text=c.t("data.progress_start"))
    results = []

    def refreshing(step: str) -> None:
        bar.progress(1.0, text=c.label("step", step))

    try:
        # every upload in one batch, as `turnout import` does: the figures are refreshed once
        with data.writing(), loading.importing(refreshing) as import_file:
            for i, (path, event) in enumerate(plan):
                def step(name, i=i, path=path):
                    bar.progress(i / len(plan), text=c.t("data.progress_step", file=path.name,
                                                         step=c.label("step", name)))
                try:
                    result = import_file(path, event, progress=step)
                    results.append({"file": path.name, "status": result.status,
                                    "format": result.source, "read": result.rows_read,
                                    "loaded": result.rows_loaded,
                                    "duplicate": result.rows_duplicate,
                                    "rejected": result.rows_rejected, "rejects": result.rejects,
                                    "export_time_unknown": result.exported_at_unknown,
                                    "message": result.message})
                except loading.TurnoutError as error:  # worded when shown, in the language then
                    results.append({"file": path.name, "status": "refused", "error": error})
    except loading.TurnoutError as error:  # the database stayed busy, or the refresh failed
        results.append({"file": None, "status": "not refreshed", "error": error})
    bar.progress(1.0, text=c.t("data.progress_done"))
    shutil.rmtree(st.session_state.pop("upload_dir", ""), ignore_errors=True)
    st.session_state["import_results"] = results
    st.session_state["uploader_round"] = st.session_state.get("uploader_round", 0) + 1
    st.rerun()


def show_results(c: ui.Context) -> None:
    for r in st.session_state.get("import_results", []):
        if r["status"] == "not refreshed":
            st.error(i18n.error(c.lang, r["error"]))
            continue
        if r["status"] == "refused":
            st.error(c.t("data.refused", file=r["file"]))
            st.caption(i18n.error(c.lang, r["error"]))
            continue
        counts = {name: c.t(f"data.count.{name}", count=i18n.number(c.lang, r.get(name)))
                  for name in ("read", "loaded", "duplicate", "rejected")}
        st.success(c.t(f"data.result.{r['status'].replace(' ', '_')}", file=r["file"], **counts))
        if r.get("export_time_unknown"):
            st.warning(c.t("data.export_time_unknown", file=r["file"]))
        if r.get("rejects"):
            rejects = pd.DataFrame(r["rejects"])
            rejects["reason"] = i18n.reasons(c.lang, rejects["code"], rejects["params"],
                                             rejects["reason"])
            with st.expander(c.t("data.rejects", file=r["file"])):
                ui.table(rejects, {"line": "col.line", "column": "col.column",
                                   "reason": "col.reason"})


def upload_section(c: ui.Context) -> None:
    st.subheader(c.t("data.upload"))
    st.caption(c.t("data.upload.help", limit=i18n.number(c.lang, loading.MAX_UPLOAD_MB)))
    st.html(UPLOADER_STYLE)
    with st.container(key="upload_zone"):
        files = st.file_uploader(
            c.t("data.drop", limit=i18n.number(c.lang, loading.MAX_UPLOAD_MB)),
            accept_multiple_files=True,
            key=f"uploads_{st.session_state.get('uploader_round', 0)}")
    show_results(c)
    if not files:
        return
    plan = confirm(c, stage_uploads(c, files))
    if plan and st.button(c.t("data.import", n=len(plan)), type="primary", key="run_import"):
        st.session_state.pop("import_results", None)
        run_imports(c, plan)


def history_section(c: ui.Context) -> None:
    st.subheader(c.t("data.history"))
    history = data.imports().astype(object).fillna("")
    history["imported_at"] = [i18n.day(c.lang, d) for d in history["imported_at"]]
    history["most_common_reason"] = i18n.reasons(
        c.lang, history["most_common_code"], history["most_common_params"],
        history["most_common_reason"])
    ui.table(history, {"import_id": "col.import_id", "file_name": "col.file",
                       "source": "col.format", "imported_at": "col.imported_at",
                       "rows_read": "col.read", "rows_loaded": "col.loaded",
                       "rows_duplicate": "col.duplicate", "rows_rejected": "col.rejected",
                       "most_common_reason": "col.reason"})
    with st.expander(c.t("data.all_rejects")):
        rejects = data.rejects().astype(object).fillna("")
        rejects["reason"] = i18n.reasons(c.lang, rejects["reject_code"],
                                         rejects["reject_params"], rejects["reason"])
        ui.table(rejects, {"import_id": "col.import_id", "file_name": "col.file",
                           "line": "col.line", "column_name": "col.column",
                           "reason": "col.reason"})
    st.subheader(c.t("data.quality"))
    checks = data.quality()
    checks["meaning"] = [c.t(f"quality.{name}") for name in checks["check_name"]]
    ui.table(checks, {"meaning": "col.check", "count_found": "col.found"})


def templates_section(c: ui.Context) -> None:
    st.subheader(c.t("data.templates"))
    st.caption(c.t("data.templates.help"))
    for name in TEMPLATE_NAMES:
        columns = st.columns([3, 1, 1])
        columns[0].markdown(c.t(f"template.{name}"))
        for column, lang in zip(columns[1:], i18n.LANGUAGES, strict=True):
            path = TEMPLATES / f"{name}_{lang}.csv"
            column.download_button(c.t(f"template.in_{lang}"), path.read_bytes(), path.name,
                                   "text/csv", key=f"template_{name}_{lang}")


c = ui.context()
if c.board:  # never offered to the board; a direct link stops here
    st.stop()
st.title(c.t("page.data"))
upload_section(c)
if data.state() == "ready":
    history_section(c)
templates_section(c)
