"""No English on a French page: every visible string and table cell of every page, in French,
for both roles, comes from the French catalogue or from the data (format names, method
names, empty ids included)."""

from __future__ import annotations

import io
import re

import pandas as pd
import pyarrow as pa
import pytest

from dashboard import i18n
from pipelines import messages, wording
from pipelines.models import follow_up, forecast
from pipelines.sources import REGISTRY
from tests.dashboard_helpers import BOARD_PAGES, PAGES, app, no_exception, strings

pytestmark = pytest.mark.usefixtures("fresh_caches")

NOT_SHOWN = {"None", "nan", "NaN", "NaT", "<NA>", "null"}


def _pattern(text: str) -> re.Pattern | None:
    parts = re.split(r"\{[a-z_ ]+(?::[a-z]+)?\}", text)
    if sum(len(re.sub(r"[^A-Za-z]", "", p)) for p in parts) < 4:
        return None  # too little literal text to tell a language by
    return re.compile(".+?".join(re.escape(p) for p in parts), re.S)


def english_only() -> list[re.Pattern]:
    """Every English wording that is not also French, and the English names the code knows
    (format titles, model method names)."""
    french = {
        text
        for catalogue in (i18n.catalogue("fr"), messages.catalogue("fr"))
        for entry in catalogue.values()
        for text in wording.forms(entry)
    }
    english = {
        text
        for catalogue in (i18n.catalogue("en"), messages.catalogue("en"))
        for entry in catalogue.values()
        for text in wording.forms(entry)
    }
    english |= {source.title for source in REGISTRY.values()}
    english |= {
        follow_up.MODEL,
        follow_up.RECENCY,
        forecast.MODEL,
        forecast.RATE,
        forecast.FACEBOOK,
        forecast.SIMILAR,
        forecast.NONE,
    }
    # each language is offered under its own name
    own_names = {i18n.t("en", "language.name"), i18n.t("en", "template.in_en")}
    return [p for text in sorted(english - french - own_names) if (p := _pattern(text))]


def cells(at) -> list[str]:
    """Every table cell as the reader sees it (a styled table's display texts included)."""
    found = []
    for frame in [*at.dataframe, *at.table]:
        styled = (
            frame.proto.arrow_data.styler.display_values
            if hasattr(frame.proto, "arrow_data")
            else b""
        )
        if styled:  # what the reader sees is the styler's text, whatever lies beneath
            shown = pa.ipc.open_stream(io.BytesIO(styled)).read_pandas()
            found += [str(v) for v in shown.to_numpy().ravel()]
            continue
        # a missing value in a plain table is drawn as "None" by the browser
        found += [
            "None" if pd.isna(v) else v
            for v in frame.value.astype(object).to_numpy().ravel()
            if isinstance(v, str) or pd.isna(v)
        ]
    return found


def english_on(at) -> list[str]:
    patterns = english_only()
    texts = [piece for text in strings(at) + cells(at) for piece in text.split(" · ")]
    return sorted(
        {t for t in texts if t.strip() in NOT_SHOWN or any(p.fullmatch(t) for p in patterns)}
    )


@pytest.mark.parametrize("role", ("lead", "board"))
def test_every_french_page_is_in_french(sample_db, role):
    at = app("fr", role, f_period="all")
    no_exception(at)
    pages = PAGES if role == "lead" else {k: PAGES[k] for k in BOARD_PAGES}
    found = {}
    for name, path in pages.items():
        at.switch_page(path).run()
        no_exception(at)
        found[name] = english_on(at)
    assert found == {name: [] for name in pages}


def test_upload_names_the_format_in_french(small_db):
    at = app("fr").switch_page(PAGES["data"]).run()
    sheet = (
        b"event_id,name,email,phone,signed_in_at,heard_from\n"
        b"upload-test,P1,p1@example.org,,18:01,flyer\n"
    )
    at.file_uploader[0].set_value([("feuille.csv", sheet, "text/csv")]).run()
    no_exception(at)
    detected = [m.value for m in at.markdown if "feuille.csv" in m.value]
    assert detected == [
        i18n.t(
            "fr", "data.detected", file="feuille.csv", format=i18n.t("fr", "format.signin_sheet")
        )
    ]
    assert english_on(at) == []
