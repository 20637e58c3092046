"""Web analytics (GA4, Matomo, Plausible) and petitions beyond the UK (Canada, Change.org).

Every expected number is read off the fixture files in tests/fixtures/aggregate/ and
added up by hand in the comments, never asked of the code under test.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.errors import ImportRefused
from tests.conftest import query, run_import, write
from tests.given import awareness_by_channel

FIXTURES = Path(__file__).parent / "fixtures" / "aggregate"
JAN_31, FEB_28 = datetime(2026, 1, 31), datetime(2026, 2, 28)


def web_rows(db) -> set[tuple]:
    return set(query(db, "select platform, exported_at, reach, impressions from post_snapshots"))


# web analytics ---------------------------------------------------------------------


def test_ga4_pages_report_with_its_comment_lines(db):
    result = run_import(db, FIXTURES / "ga4_pages_and_screens.csv")
    assert (result.source, result.rows_read, result.rows_loaded) == ("ga4_pages", 3, 3)
    assert not result.exported_at_unknown  # "# End date: 20260131"
    assert web_rows(db) == {
        ("web", JAN_31, 610, 1520),
        ("web", JAN_31, 402, 880),
        ("web", JAN_31, 97, 215),
    }
    assert awareness_by_channel(db) == {"web": 610 + 402 + 97}


def test_ga4_traffic_acquisition_counts_on_each_channel(db):
    result = run_import(db, FIXTURES / "ga4_traffic_acquisition.csv")
    assert (result.source, result.rows_loaded) == ("ga4_traffic", 3)
    assert awareness_by_channel(db) == {"organic social": 420, "direct": 180, "email": 75}


def test_ga4_traffic_french_excel_copy(db):
    # BOM, ';', no-break spaces in 1 204, a French header, an empty Utilisateurs cell
    result = run_import(db, FIXTURES / "ga4_traffic_acquisition_fr.csv")
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("ga4_traffic", 3, 0)
    assert web_rows(db) == {
        ("organic social", FEB_28, 1204, 1530),
        ("direct", FEB_28, 640, 801),
        ("email", FEB_28, 120, 120),
    }  # no visitor count: the sessions


def test_the_same_period_exported_again_replaces_another_period_adds(db, tmp_path):
    run_import(db, FIXTURES / "ga4_pages_and_screens.csv")
    text = (FIXTURES / "ga4_pages_and_screens.csv").read_text(encoding="utf-8")
    again = write(tmp_path, "ga4_again.csv", text.replace(",610,", ",700,"))
    result = run_import(db, again)  # one page's figure changed, two are the same
    assert (result.rows_loaded, result.rows_replaced, result.rows_duplicate) == (1, 1, 2)
    assert awareness_by_channel(db) == {"web": 700 + 402 + 97}
    february = write(tmp_path, "ga4_february.csv", text.replace("20260131", "20260228"))
    run_import(db, february)
    assert awareness_by_channel(db) == {"web": 700 + 402 + 97 + 610 + 402 + 97}


# GA4's pages report in French, saved by a French Excel: BOM, ';', the French comment lines
# and headers, "1 520" with a no-break space
GA4_FRENCH = (
    "\ufeff# ----------------------------------------\n"
    "# Pages et écrans : Chemin de la page et classe de l'écran\n"
    "# Date de début : 20260201\n"
    "# Date de fin : 20260228\n"
    "Chemin de la page et classe de l'écran;Vues;Utilisateurs actifs;Nombre d'événements\n"
    "/;1\u00a0520;610;3\u00a0050\n"
    "/vigile-31-janvier/;880;402;1\u00a0702\n"
)
# Matomo's pages in French, dated by the file's name: ';', CRLF, French column names, "1 020"
# with a no-break space
MATOMO_FRENCH = (
    "Libellé;Pages vues uniques;Pages vues;Taux de rebond\r\n"
    "/index;1\u00a0020;1\u00a0655;41\u00a0%\r\n"
    "/vigile-31-janvier;233;301;38\u00a0%\r\n"
)


def test_ga4_pages_french_interface_saved_by_french_excel(db, tmp_path):
    result = run_import(db, write(tmp_path, "pages-et-ecrans.csv", GA4_FRENCH))
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("ga4_pages", 2, 0)
    assert not result.exported_at_unknown  # "# Date de fin : 20260228"
    assert web_rows(db) == {("web", FEB_28, 610, 1520), ("web", FEB_28, 402, 880)}


def test_matomo_pages_french_interface(db, tmp_path):
    result = run_import(
        db, write(tmp_path, "matomo_pages_2026-02-01_2026-02-28.csv", MATOMO_FRENCH)
    )
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("matomo_pages", 2, 0)
    assert web_rows(db) == {("web", FEB_28, 1020, 1655), ("web", FEB_28, 233, 301)}


def test_matomo_pages_dated_by_the_period_in_its_name(db):
    result = run_import(db, FIXTURES / "matomo_pages_2026-01-01_2026-01-31.csv")
    assert (result.source, result.rows_loaded) == ("matomo_pages", 2)
    assert web_rows(db) == {("web", JAN_31, 410, 655), ("web", JAN_31, 233, 301)}


def test_matomo_referrers_french_interface(db):
    # BOM, ';', CRLF, French column names, "1 020" with a no-break space
    result = run_import(db, FIXTURES / "matomo_referrers_2026-01-01_2026-01-31.csv")
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("matomo_referrers", 3, 0)
    assert awareness_by_channel(db) == {"facebook": 88, "email": 51, "entrée directe": 1020}


def test_plausible_pages_and_sources(db):
    pages = run_import(db, FIXTURES / "plausible_pages_2026-01-01_2026-01-31.csv")
    assert (pages.source, pages.rows_loaded) == ("plausible_pages", 3)
    assert awareness_by_channel(db) == {"web": 512 + 230 + 48}


def test_plausible_sources_on_their_channels(db):
    result = run_import(db, FIXTURES / "plausible_sources_2026-01-01_2026-01-31.csv")
    assert (result.source, result.rows_loaded) == ("plausible_sources", 3)
    assert awareness_by_channel(db) == {"direct": 300, "facebook": 190, "email": 40}


def test_a_web_row_without_its_page_is_rejected_not_dropped(db, tmp_path):
    path = write(
        tmp_path,
        "plausible_pages_2026-03-01_2026-03-31.csv",
        "name,visitors,pageviews,bounce_rate,time_on_page\n"
        "/,10,12,50,30\n,4,5,50,30\n/b,6,7,50,30\n",
    )
    result = run_import(db, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert [(r["line"], r["code"]) for r in result.rejects] == [(3, "row.empty_required")]


# petitions -------------------------------------------------------------------------


def test_canadian_epetition_summed_over_provinces(db):
    result = run_import(db, FIXTURES / "e-4701_signatures_2026-03-01.csv")
    assert (result.source, result.rows_read, result.rows_loaded) == ("ca_epetition", 13, 13)
    # 120+310+45+30+12+3+51+1+1004+9+2210+40+2
    assert query(
        db, "select petition_id, snapshot_at, signature_count from petition_snapshots"
    ) == [("caparl:E-4701", datetime(2026, 3, 1), 3837)]
    assert query(
        db, "select sum(interactions) from mart_funnel_facts where stage = 'commitment'"
    ) == [(3837,)]


# the signatures of a House of Commons e-petition by province, in French, with a totals row
CA_EPETITION_FRENCH = """\ufeffPétition;Province / territoire;Signatures
e-5123;Québec;1\u00a0402
e-5123;Ontario;310
Total;;1\u00a0712
"""


def test_canadian_epetition_french_headers_number_column_and_totals_row(db, tmp_path):
    path = write(tmp_path, "signatures-par-province.csv", CA_EPETITION_FRENCH)
    result = run_import(db, path, exported_at=datetime(2026, 4, 2))
    assert (result.source, result.rows_loaded, result.rows_rejected) == ("ca_epetition", 2, 1)
    assert [r["code"] for r in result.rejects] == ["row.totals"]
    assert query(db, "select petition_id, signature_count from petition_snapshots") == [
        ("caparl:E-5123", 1402 + 310)
    ]


def test_canadian_epetition_without_its_number_is_refused(db, tmp_path):
    path = write(tmp_path, "provinces.csv", "Province / Territory,Signatures\nQuebec,4\n")
    with pytest.raises(ImportRefused) as refused:
        run_import(db, path)
    assert "petition number (such as e-4701)" in str(refused.value)
    assert query(db, "select count(*) from petition_snapshots") == [(0,)]


def test_changeorg_signers_count_as_the_petition_total_not_people(db):
    result = run_import(
        db, FIXTURES / "changeorg_accueillons-les_signatures.csv", exported_at=datetime(2026, 2, 10)
    )
    assert (result.source, result.rows_read, result.rows_loaded) == ("changeorg_signatures", 4, 4)
    # four rows, the same name twice: four signatures, nobody identified
    assert query(db, "select snapshot_at, signature_count from petition_snapshots") == [
        (datetime(2026, 2, 10), 4)
    ]
    assert query(db, "select count(*) from signatures") == [(0,)]
    for table, column in query(
        db,
        "select table_name, column_name from "
        "information_schema.columns where data_type = 'VARCHAR'",
    ):
        stored = query(
            db,
            f'select count(*) from "{table}" where "{column}" similar to '
            "'.*(Tremblay|Gagné|H2X|G1R|Montréal).*'",
        )
        assert stored == [(0,)], (table, column)  # no name, postal code or city kept
    assert query(db, "select count(*) from mart_funnel_facts where person_id is not null") == [(0,)]


# Change.org's signatures in French, one date that is not a date
CHANGEORG_FRENCH = """Nom;Ville;Province;Code postal;Pays;Signé le
Ana;Montréal;QC;H2X 1Y4;CA;01/02/2026
Bo;Québec;QC;G1R 2L3;CA;hier
Cy;Laval;QC;H7N 1A1;CA;14/02/2026
"""


def test_changeorg_french_headers_and_a_bad_date(db, tmp_path):
    path = write(tmp_path, "changeorg_accueil_2026-02-15.csv", CHANGEORG_FRENCH, "cp1252")
    result = run_import(db, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert [(r["line"], r["code"]) for r in result.rejects] == [(3, "row.not_a_date")]
    assert query(
        db, "select petition_id, snapshot_at, signature_count from petition_snapshots"
    ) == [("changeorg:changeorg_accueil", datetime(2026, 2, 15), 2)]


def test_sources_says_which_headers_are_not_confirmed(monkeypatch):
    from pipelines import cli

    monkeypatch.setattr(cli.console, "width", 1000)  # one line per format
    result = CliRunner().invoke(app, ["sources"])
    line = next(row for row in result.output.splitlines() if "changeorg_signatures" in row)
    assert "header not confirmed" in line
    line = next(row for row in result.output.splitlines() if " ga4_pages " in row)
    assert "header not confirmed" not in line
