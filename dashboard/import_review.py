"""The Data page's steering of an import (campaign leads only): the exports inside an
uploaded zip, a preview of every file before it is imported, a mapping screen for a file
Turnout does not recognise, and undo.

Each works through ``dashboard.loading``, the dashboard's only door to the importer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data, i18n, loading, ui
from pipelines import config, mappings
from pipelines.targets import TARGETS

NOT_IN_FILE = ""  # the select box's "not in this file"
REMEMBERED = "mapping_for_"  # session state: the mapping chosen for an uploaded file


# zips ------------------------------------------------------------------------------------


def unzipped(c: ui.Context, files: Sequence[loading.Upload]) -> list[loading.Upload]:
    """The uploads, each zip replaced by the exports it holds (each then an upload of its
    own); the files a zip leaves out are listed with why, and a zip that cannot be unzipped
    is refused with why. Each zip is listed once per upload."""
    known = st.session_state.setdefault("recognised", {})
    uploads: list[loading.Upload] = []
    for upload in files:
        key = ("zip", upload.file_id)
        if key not in known:
            try:
                too_big = upload.size / 1024 / 1024 > loading.MAX_UPLOAD_MB
                known[key] = None if too_big else loading.unzipped(upload)
            except (OSError, ValueError):  # a name the disk cannot take: said below
                known[key] = None
        found = known[key]
        if found is None:
            uploads.append(upload)
        elif found.refused is not None:
            st.error(c.t("data.refused", file=upload.name))
            st.caption(i18n.error(c.lang, found.refused))
        else:
            if found.skipped:
                with st.expander(
                    c.t("data.zip_skipped", file=upload.name, count=len(found.skipped))
                ):
                    for _, why in found.skipped:
                        st.caption(i18n.error(c.lang, why))
            uploads += found.members
    return uploads


# preview ---------------------------------------------------------------------------------


def preview(c: ui.Context, plan: list[tuple[Path, str | None, Path | None]]) -> bool:
    """Show what importing each file would do; True when at least one file would load."""
    try:
        found = loading.preview(plan)
    except loading.TurnoutError as error:  # the database is busy: say so, import nothing
        st.error(i18n.error(c.lang, error))
        return False
    any_rows = False
    for (path, _, _), result in zip(plan, found, strict=True):
        if isinstance(result, loading.TurnoutError):
            st.error(c.t("data.refused", file=path.name))
            st.caption(i18n.error(c.lang, result))
            continue
        if result.status == "already imported":
            st.info(c.t("preview.already", file=path.name))
            continue
        any_rows = any_rows or result.rows_loaded > 0
        st.markdown(
            c.t(
                "preview.counts",
                file=path.name,
                **{
                    name: c.t(f"data.count.{name}", count=i18n.number(c.lang, value))
                    for name, value in (
                        ("read", result.rows_read),
                        ("loaded", result.rows_loaded),
                        ("duplicate", result.rows_duplicate),
                        ("rejected", result.rows_rejected),
                    )
                },
            )
        )
        if result.rejects:
            rejects = pd.DataFrame(result.rejects)
            rejects["reason"] = i18n.reasons(
                c.lang, rejects["code"], rejects["params"], rejects["reason"]
            )
            with st.expander(c.t("data.rejects", file=path.name)):
                ui.table(
                    rejects, {"line": "col.line", "column": "col.column", "reason": "col.reason"}
                )
    return any_rows


# mapping screen ------------------------------------------------------------------------


def _key(path: Path) -> str:
    """A widget key from a file name (letters, digits and _ only: it names a CSS class)."""
    return re.sub(r"\W", "_", path.name)


def _field_label(c: ui.Context, name: str) -> str:
    return c.label("field", name)


def mapping_screen(c: ui.Context, path: Path, error: loading.TurnoutError) -> Path | None:
    """For a file no format recognises: say which format is closest and what it lacks, let
    the lead say which column holds each field, preview the first rows, and save the
    mapping (the same TOML as ``--mapping``). Returns the saved mapping to import with."""
    remembered = st.session_state.get(REMEMBERED + path.name)
    if remembered:  # chosen on an earlier run of the page: the file keeps its mapping
        return Path(remembered)
    header, rows = mappings.head_rows(path)
    st.warning(c.t("mapping.unknown", file=path.name))
    closest = (error.params or {}).get("closest")
    if closest and header:
        st.caption(
            c.t(
                "mapping.closest",
                format=c.label("format", closest),
                missing=", ".join(mappings.missing_columns(closest, header)),
            )
        )
    if not header:
        return None
    db = config.database_path()
    for saved in mappings.saved_for(db, header):
        if st.button(
            c.t("mapping.use_saved", name=saved.stem), key=f"saved_{_key(path)}_{saved.stem}"
        ):
            return _remember(path, saved)
    with st.expander(c.t("mapping.title", file=path.name), expanded=True):
        target = st.selectbox(
            c.t("mapping.target"),
            list(TARGETS),
            key=f"target_{_key(path)}",
            format_func=lambda t: c.label("target", t),
        )
        wanted = mappings.fields(target)
        chosen: dict[str, str] = {}
        options = [NOT_IN_FILE, *header]
        for group, names in (
            ("required", wanted.required),
            ("one_of", wanted.one_of),
            ("optional", wanted.optional),
        ):
            if names:
                st.markdown(c.t(f"mapping.{group}"))
            for name in names:
                column = st.selectbox(
                    _field_label(c, name),
                    options,
                    key=f"map_{_key(path)}_{target}_{name}",
                    format_func=lambda h: h or c.t("mapping.not_in_file"),
                )
                if column:
                    chosen[name] = column
        lacking = [n for n in wanted.required if n not in chosen]
        if wanted.one_of and not set(wanted.one_of) & set(chosen):
            lacking.append(" / ".join(wanted.one_of))
        shown = mappings.masked_preview(header, rows, chosen)
        if shown:
            st.caption(c.t("mapping.first_rows", n=len(shown)))
            st.dataframe(
                pd.DataFrame(shown).rename(columns=lambda n: _field_label(c, n)),
                hide_index=True,
                width="stretch",
            )
        if lacking:
            st.info(
                c.t(
                    "mapping.lacking",
                    fields=", ".join(_field_label(c, n) if "/" not in n else n for n in lacking),
                )
            )
            return None
        name = st.text_input(
            c.t("mapping.name"), value=Path(path.name).stem, key=f"mapname_{_key(path)}"
        )
        if st.button(c.t("mapping.save"), key=f"mapsave_{_key(path)}", type="primary"):
            text = mappings.to_toml(target, chosen, name)
            return _remember(path, mappings.save(db, name, text))
    return None


def _remember(path: Path, mapping: Path) -> Path:
    st.session_state[REMEMBERED + path.name] = str(mapping)
    return mapping


def forget_mappings() -> None:
    """After an import, the next upload of a file with the same name starts afresh."""
    for key in [k for k in st.session_state if str(k).startswith(REMEMBERED)]:
        del st.session_state[key]


# undo ----------------------------------------------------------------------------------


def undo_control(c: ui.Context) -> None:
    """Undo one import: pick it, confirm, and the figures are brought up to date."""
    history = data.imports()
    if history.empty:
        return
    with st.expander(c.t("undo.title"), key="undo_expander"):
        st.caption(c.t("undo.help"))
        labels = dict(zip(history["import_id"], history["file_name"], strict=True))
        # a new import starts the choice afresh on the newest one
        chosen = st.selectbox(
            c.t("undo.which"),
            list(labels),
            key=f"undo_which_{max(labels)}",
            format_func=lambda i: f"#{i} · {labels[i]}",
        )
        sure = st.checkbox(c.t("undo.sure"), key="undo_sure")
        if st.button(c.t("undo.button"), key="undo_button", disabled=not sure):
            try:
                with data.writing():
                    done = loading.undo(int(chosen))
            except loading.TurnoutError as error:
                st.error(i18n.error(c.lang, error))
                return
            st.session_state["undo_done"] = c.t(
                "undo.done",
                id=done.import_id,
                file=done.file_name,
                removed=i18n.number(c.lang, done.rows_removed),
                restored=i18n.number(c.lang, done.rows_restored),
            )
            st.rerun()
    if message := st.session_state.pop("undo_done", None):
        st.success(message)
