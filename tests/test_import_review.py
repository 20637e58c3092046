"""The Data page steers an import: a preview before anything is written, a mapping screen
for a file Turnout does not recognise (saved as the --mapping TOML), and undo."""

from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from pipelines import load
from tests.dashboard_helpers import PAGES, app, no_exception
from tests.import_helpers import new_event_files

# a sign-in sheet in nobody's format: French headers no template uses
UNKNOWN = (
    "Quand;Qui;Adresse courriel;Activité\n"
    "2026-03-28 14:05;Hélène;helene@example.org;rally-2026-03\n"
    "2026-03-28 14:07;Omar;omar@example.org;rally-2026-03\n"
    "demain;Zoé;zoe@example.org;rally-2026-03\n"
)


def mapping_page():
    """The mapping screen alone, for the file named in session state."""
    from pathlib import Path

    import streamlit as st

    from dashboard import import_review, loading, ui

    c = st.session_state["ctx"] = ui.Context(st.session_state["lang"], "lead")
    path = Path(st.session_state["file"])
    try:
        loading.recognise(path)
    except loading.TurnoutError as error:
        chosen = import_review.mapping_screen(c, path, error)
        st.session_state["chosen"] = str(chosen) if chosen else None


def preview_page():
    from pathlib import Path

    import streamlit as st

    from dashboard import import_review, ui

    c = st.session_state["ctx"] = ui.Context(st.session_state["lang"], "lead")
    plan = [(Path(p), None, Path(m) if m else None) for p, m in st.session_state["plan"]]
    st.session_state["would_load"] = import_review.preview(c, plan)


def run(function, **state) -> AppTest:
    at = AppTest.from_function(function, default_timeout=90)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def test_an_unknown_file_is_mapped_in_the_browser_and_the_mapping_saved(small_db, tmp_path):
    path = tmp_path / "presences.csv"
    path.write_text(UNKNOWN, encoding="utf-8")
    at = run(mapping_page, lang="fr", file=str(path))
    no_exception(at)
    assert any("presences.csv" in w.value for w in at.warning)
    at.selectbox(key="target_presences_csv").set_value("checkins").run()
    assert at.session_state["chosen"] is None  # nothing chosen yet: nothing saved
    lacking = [i.value for i in at.info]
    assert any(i18n.t("fr", "field.event_id") in v for v in lacking), lacking
    for field, column in (
        ("event_id", "Activité"),
        ("signed_in_at", "Quand"),
        ("email", "Adresse courriel"),
    ):
        at.selectbox(key=f"map_presences_csv_checkins_{field}").set_value(column).run()
    no_exception(at)
    preview = at.dataframe[0].value  # the first rows, field by field
    assert len(preview) == 3
    shown = " ".join(map(str, preview.to_numpy().ravel()))
    assert "@" not in shown and "✓" in shown and "rally-2026-03" in shown
    at.button(key="mapsave_presences_csv").click().run()
    saved = Path(at.session_state["chosen"])
    assert saved.parent == small_db.parent / "mappings"
    spec = tomllib.loads(saved.read_text(encoding="utf-8"))
    assert spec["target"] == "checkins"
    assert spec["columns"] == {
        "event_id": "Activité",
        "signed_in_at": "Quand",
        "email": "Adresse courriel",
    }
    # the saved mapping imports the file as --mapping would: "demain" is one rejected row
    result = load.import_file(small_db, path, load.ImportOptions(mapping=saved))
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    # and the next file with the same columns is offered the saved mapping
    again = tmp_path / "presences-2.csv"
    again.write_text(UNKNOWN.replace("14:0", "15:0"), encoding="utf-8")
    at = run(mapping_page, lang="en", file=str(again))
    offered = [b for b in at.button if b.key.startswith("saved_presences_2_csv")]
    assert len(offered) == 1
    offered[0].click().run()
    assert Path(at.session_state["chosen"]) == saved


def test_the_preview_says_what_each_file_would_give_and_writes_nothing(small_db, tmp_path):
    calendar, sheet = new_event_files(
        tmp_path,
        "new-1,A,a@example.org,2026-03-30 18:05\n",
        "nope,B,b@example.org,2026-03-30 18:06\n",
        "new-1,C,c@example.org,2026-03-30 18:07\n",
    )
    with duckdb.connect(str(small_db), read_only=True) as con:
        imports = con.execute("select count(*) from imports").fetchone()[0]
    at = run(preview_page, lang="en", plan=[(str(calendar), None), (str(sheet), None)])
    no_exception(at)
    assert at.session_state["would_load"] is True
    said = [m.value for m in at.markdown]
    counts = {
        name: i18n.t("en", f"data.count.{name}", count=count)
        for name, count in (("read", 3), ("loaded", 2), ("duplicate", 0), ("rejected", 1))
    }
    assert i18n.t("en", "preview.counts", file="sheet.csv", **counts) in said, said
    with duckdb.connect(str(small_db), read_only=True) as con:
        assert con.execute("select count(*) from imports").fetchone()[0] == imports


def test_the_lead_undoes_an_import_from_the_data_page(small_db):
    with duckdb.connect(str(small_db), read_only=True) as con:
        last, name = con.execute(
            "select import_id, file_name from imports order by import_id desc limit 1"
        ).fetchone()
        count = con.execute("select count(*) from imports").fetchone()[0]
    at = app("fr").switch_page(PAGES["data"]).run()
    no_exception(at)
    assert at.selectbox(key=f"undo_which_{last}").value == last  # the newest first
    assert at.button(key="undo_button").disabled  # not before saying one understands
    at.checkbox(key="undo_sure").check().run()
    at.button(key="undo_button").click().run()
    no_exception(at)
    assert any(f"n°\u00a0{last}" in s.value and name in s.value for s in at.success)
    with duckdb.connect(str(small_db), read_only=True) as con:
        assert con.execute("select count(*) from imports").fetchone()[0] == count - 1
        assert (
            con.execute(
                "select count(*) from undone_imports where import_id = ?", [last]
            ).fetchone()[0]
            == 1
        )
