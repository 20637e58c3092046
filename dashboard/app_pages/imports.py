"""Data (campaign leads only): upload exports, import history, data quality, templates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TypedDict

import pandas as pd
import streamlit as st

from dashboard import data, i18n, import_review, loading, ui
from pipelines import messages
from pipelines.import_types import ImportResult
from pipelines.sources import Source

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE_NAMES = ("events_calendar", "signin_sheet", "facebook_event_counts")
AUTO = "__auto__"
UNKNOWN_FORMAT = ("file.unknown_format", "file.unknown_format_closest")
ROWS_SHOWN = 200  # rows of a table on the page; its CSV download holds them all
# Streamlit 1.67 writes the drop zone's size line in English only: hidden, the page's own
# translated label stands instead. A file over the limit is refused by the browser before it
# is sent, so the app never hears of it; Streamlit marks it in red with an English tooltip,
# and this page's rule, in the reader's language, appears under the files while one is.
UPLOADER_STYLE = """<style>
.st-key-upload_zone [data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
.st-key-upload_zone [data-testid="stFileChips"]:has([aria-invalid="true"])::after {
  content: "NOT_SENT"; display: block; flex-basis: 100%; margin-top: 0.5rem;
  color: var(--st-red-text-color, #bd4043); font-size: 0.875rem; white-space: normal;
}
</style>"""


class Staged(TypedDict):
    """An upload whose format is known, and the column mapping that gave it (None: its own)."""

    upload: loading.Upload
    source: Source
    mapping: Path | None


# an upload to import, the event it belongs to (None: told by the file) and its mapping
Planned = tuple[loading.Upload, str | None, Path | None]


def upload_limit_mb() -> int:
    """The largest upload in MB: this page's limit, or the server's when it is lower
    (``server.maxUploadSize``: Streamlit stops a larger upload while it streams in)."""
    return min(loading.MAX_UPLOAD_MB, int(st.get_option("server.maxUploadSize")))


def css_text(text: str) -> str:
    """``text`` as the inside of a CSS string."""
    return "".join(ch if ch.isalnum() or ch in " .,:;'()«»" else f"\\{ord(ch):x} " for ch in text)


def recognised(c: ui.Context, files: Sequence[loading.Upload]) -> list[Staged]:
    """Each upload's format, found once per upload; too-big and unknown files are refused.
    The file is on disk only while it is recognised (``loading.on_disk``)."""
    known = st.session_state.setdefault("recognised", {})
    staged: list[Staged] = []
    limit = upload_limit_mb()
    for upload in files:
        size_mb = upload.size / 1024 / 1024
        if size_mb > limit:  # the browser sends none; a request made by hand might
            st.warning(
                c.t(
                    "data.too_big",
                    file=upload.name,
                    size=i18n.number(c.lang, size_mb),
                    limit=i18n.number(c.lang, limit),
                )
            )
            continue
        if upload.file_id not in known:
            try:
                with loading.on_disk(upload.name, upload.getvalue()) as path:
                    known[upload.file_id] = loading.recognise(path)
            except loading.TurnoutError as error:
                known[upload.file_id] = error
            except (OSError, ValueError):  # a name the server's disk cannot take
                known[upload.file_id] = None
        found, mapping = known[upload.file_id], None
        if isinstance(found, loading.TurnoutError) and found.code in UNKNOWN_FORMAT:
            # no format knows it: the lead maps its columns (the file on disk meanwhile)
            with loading.on_disk(upload.name, upload.getvalue()) as path:
                mapping = import_review.mapping_screen(c, path, found)
                if mapping is None:
                    continue
                found = loading.recognise(path, mapping)
        if found is None:
            st.error(c.t("data.not_saved", file=upload.name))
        elif isinstance(found, loading.TurnoutError):
            st.error(c.t("data.refused", file=upload.name))
            st.caption(i18n.error(c.lang, found))
        else:
            staged.append({"upload": upload, "source": found, "mapping": mapping})
    return staged


def confirm(c: ui.Context, staged: list[Staged]) -> list[Planned]:
    """Show each detected format; per-event files ask which event they belong to."""
    events = data.event_choices() if data.state() == "ready" else pd.DataFrame()
    choices = [AUTO, *events.get("event_id", pd.Series(dtype=str)).tolist()]
    names = dict(zip(events.get("event_id", []), events.get("name", []), strict=True))
    plan: list[Planned] = []
    seen: Counter[str] = Counter()
    for item in staged:
        upload, source = item["upload"], item["source"]
        label = (
            format_name(c, source)
            if item["mapping"] is None
            else c.t("data.mapped_by", name=item["mapping"].stem)
        )
        st.markdown(c.t("data.detected", file=upload.name, format=label))
        event, seen[upload.name] = None, seen[upload.name] + 1
        if source.per_event:  # two uploads may share a name: the second gets its own key
            key = f"event_{upload.name}" + (
                f"_{seen[upload.name]}" if seen[upload.name] > 1 else ""
            )
            event = st.selectbox(
                c.t("data.which_event", file=upload.name),
                choices,
                key=key,
                format_func=lambda e: (
                    c.t("data.event_auto") if e == AUTO else f"{names[e] or e} ({e})"
                ),
            )
        plan.append((upload, None if event in (None, AUTO) else event, item["mapping"]))
    return plan


def preview(c: ui.Context, plan: list[Planned]) -> bool:
    """What each upload would give, the uploads on disk only while they are worked out."""
    try:
        with ExitStack() as on_disk:
            files = [
                (
                    on_disk.enter_context(loading.on_disk(upload.name, upload.getvalue())),
                    event,
                    mapping,
                )
                for upload, event, mapping in plan
            ]
            return import_review.preview(c, files)
    except (OSError, ValueError):
        return False


def _shown(name: str, found: ImportResult | Exception) -> dict[str, object]:
    """One file's outcome as the page keeps it; an error is worded when shown."""
    if isinstance(found, loading.TurnoutError):
        return {"file": name, "status": "refused", "error": found}
    if isinstance(found, Exception):  # the upload could not be put on the server's disk
        return {"file": name, "status": "not saved"}
    return {
        "file": name,
        "status": found.status,
        "format": found.source,
        "read": found.rows_read,
        "loaded": found.rows_loaded,
        "duplicate": found.rows_duplicate,
        "rejected": found.rows_rejected,
        "rejects": found.rejects,
        "export_time_unknown": found.exported_at_unknown,
        "message": found.message,
    }


def run_imports(c: ui.Context, plan: list[Planned]) -> None:
    bar = st.progress(0.0, text=c.t("data.progress_start"))

    def progress(at: loading.Step) -> None:
        if at.file is None:  # the figures, once for the whole batch
            bar.progress(1.0, text=c.label("step", at.step))
        elif at.step is not None:
            bar.progress(
                at.index / at.total,
                text=c.t("data.progress_step", file=at.file, step=c.label("step", at.step)),
            )

    files = [
        loading.uploaded(upload.name, upload.getvalue(), event, mapping)
        for upload, event, mapping in plan
    ]
    with data.writing():  # every upload in one batch, as `turnout import` does
        outcome = loading.import_batch(files, progress)
    results = [_shown(name, found) for name, found in outcome.files]
    if outcome.not_refreshed is not None:  # the database stayed busy, or the refresh failed
        results.append({"file": None, "status": "not refreshed", "error": outcome.not_refreshed})
    bar.progress(1.0, text=c.t("data.progress_done"))
    import_review.forget_mappings()
    st.session_state["import_results"] = results
    st.session_state.pop("recognised", None)
    st.session_state["uploader_round"] = st.session_state.get("uploader_round", 0) + 1
    st.rerun()


def show_results(c: ui.Context) -> None:
    for r in st.session_state.get("import_results", []):
        if r["status"] == "not refreshed":
            st.error(i18n.error(c.lang, r["error"]))
            continue
        if r["status"] == "not saved":
            st.error(c.t("data.not_saved", file=r["file"]))
            continue
        if r["status"] == "refused":
            st.error(c.t("data.refused", file=r["file"]))
            st.caption(i18n.error(c.lang, r["error"]))
            continue
        counts = {
            name: c.t(f"data.count.{name}", count=i18n.number(c.lang, r.get(name)))
            for name in ("read", "loaded", "duplicate", "rejected")
        }
        st.success(c.t(f"data.result.{r['status'].replace(' ', '_')}", file=r["file"], **counts))
        if r.get("export_time_unknown"):
            st.warning(c.t("data.export_time_unknown", file=r["file"]))
        if r.get("rejects"):
            rejects = pd.DataFrame(r["rejects"])
            rejects["reason"] = i18n.reasons(
                c.lang, rejects["code"], rejects["params"], rejects["reason"]
            )
            with st.expander(c.t("data.rejects", file=r["file"])):
                whole_table(
                    c,
                    rejects,
                    {"line": "col.line", "column": "col.column", "reason": "col.reason"},
                    f"rejects_{r['file']}",
                )


def format_name(c: ui.Context, source: Source | str) -> str:
    """A format's name in the page's language (a source, or a source name from the history)."""
    # str.title is a method: a source name is its own title
    name, title = (source, source) if isinstance(source, str) else (source.name, source.title)
    entry = i18n.catalogue(c.lang).get(f"format.{name}")
    return entry if isinstance(entry, str) else title


def whole_table(c: ui.Context, df: pd.DataFrame, columns: dict[str, str], key: str) -> None:
    """A table whose long texts (rejected rows' reasons) wrap instead of being cut off; past
    ``ROWS_SHOWN`` rows, the rest is left to the CSV download."""
    shown = df[list(columns)].rename(columns={k: c.t(v) for k, v in columns.items()})
    st.table(shown.head(ROWS_SHOWN).astype(str), hide_index=True)
    if len(shown) > ROWS_SHOWN:
        st.caption(
            c.t(
                "data.rows_shown",
                shown=i18n.number(c.lang, ROWS_SHOWN),
                total=i18n.number(c.lang, len(shown)),
            )
        )
        st.download_button(
            c.t("download_csv"),
            ui.csv_bytes(shown),
            file_name="turnout-rejects.csv",
            mime="text/csv",
            key=f"csv_{key}",
        )


def upload_section(c: ui.Context) -> None:
    limit = upload_limit_mb()
    st.subheader(c.t("data.upload"))
    st.caption(c.t("data.upload.help", limit=i18n.number(c.lang, limit)))
    st.html(
        UPLOADER_STYLE.replace(
            "NOT_SENT", css_text(c.t("data.not_sent", limit=i18n.number(c.lang, limit)))
        )
    )
    with st.container(key="upload_zone"):
        # the browser refuses a larger file before sending any of it
        files = st.file_uploader(
            c.t("data.drop", limit=i18n.number(c.lang, limit)),
            accept_multiple_files=True,
            max_upload_size=limit,
            key=f"uploads_{st.session_state.get('uploader_round', 0)}",
        )
    show_results(c)
    if not files:
        return
    plan = confirm(c, recognised(c, import_review.unzipped(c, files)))
    if not plan:
        return
    st.markdown(c.t("preview.title"))
    # nothing is imported until the lead has seen what each file would give, and confirms
    if preview(c, plan) and st.button(
        c.t("data.import", n=len(plan)), type="primary", key="run_import"
    ):
        st.session_state.pop("import_results", None)
        run_imports(c, plan)


def history_section(c: ui.Context) -> None:
    st.subheader(c.t("data.history"))
    for split in data.key_replacements().itertuples():  # people split by `turnout rekey`
        st.warning(
            messages.text(
                c.lang, "key.replaced", {"date": split.date, "after_import": split.after_import}
            )
        )
    history = data.imports().astype(object).fillna("")
    history["imported_at"] = [i18n.day(c.lang, d) for d in history["imported_at"]]
    history["exported_at"] = [  # a file's own date stood in for an unknown export time
        c.t("data.exported_unknown", day=i18n.day(c.lang, d))
        if bool(unknown)
        else i18n.day(c.lang, d)
        if d != ""
        else ""
        for d, unknown in zip(
            history["exported_at"], history["is_export_time_unknown"], strict=True
        )
    ]
    history["most_common_reason"] = i18n.reasons(
        c.lang,
        history["most_common_code"],
        history["most_common_params"],
        history["most_common_reason"],
    )
    history["source"] = [format_name(c, name) for name in history["source"]]
    # one compact row per file; each reason is shown whole in the rejected rows below
    ui.table(
        history,
        {
            "import_id": "col.import_id",
            "file_name": "col.file",
            "source": "col.format",
            "exported_at": "col.exported_at",
            "imported_at": "col.imported_at",
            "rows_read": "col.read",
            "rows_loaded": "col.loaded",
            "rows_duplicate": "col.duplicate",
            "rows_rejected": "col.rejected",
            "most_common_reason": "col.reason",
        },
    )
    with st.expander(c.t("data.all_rejects")):
        rejects = data.rejects().astype(object).fillna("")
        rejects["reason"] = i18n.reasons(
            c.lang, rejects["reject_code"], rejects["reject_params"], rejects["reason"]
        )
        whole_table(
            c,
            rejects,
            {
                "import_id": "col.import_id",
                "file_name": "col.file",
                "line": "col.line",
                "column_name": "col.column",
                "reason": "col.reason",
            },
            "all_rejects",
        )
    import_review.undo_control(c)
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
            column.download_button(
                c.t(f"template.in_{lang}"),
                path.read_bytes(),
                path.name,
                "text/csv",
                key=f"template_{name}_{lang}",
            )


c = ui.context()
if c.board:  # never offered to the board; a direct link stops here
    st.stop()
st.title(c.t("page.data"))
upload_section(c)
if data.state() == "ready":
    history_section(c)
templates_section(c)
