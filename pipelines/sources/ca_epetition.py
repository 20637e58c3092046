"""A Canadian House of Commons e-petition's signatures by province or territory.

The petition's page on ourcommons.ca/petitions shows "Signatures by province /
territory"; saved as a CSV (one row per province, a count each), it is one snapshot
of the petition's total. The petition number (``e-4701``) comes from a ``Petition``
column or from the file name. The count per province is summed, not kept. The
header is not confirmed against a download from the House's site: it is the table's
own captions, in English and French.
"""

from pipelines.sources import Field, Source

SOURCE = Source(
    name="ca_epetition",
    title="House of Commons e-petition signatures by province (Canada)",
    target="petition_snapshots",
    signatures=(
        ("Province / Territory", "Signatures"),
        ("Province / territoire", "Signatures"),
        ("Province", "Signatures"),
    ),
    fields=(
        Field(
            "province",
            (
                "Province / Territory",
                "Province / territoire",
                "Province",
                "Province or territory",
                "Province ou territoire",
            ),
            required=True,
        ),
        Field(
            "signature_count",
            ("Signatures", "Number of signatures", "Nombre de signatures"),
            "count",
            required=True,
        ),
        Field(
            "petition_number", ("Petition", "Petition number", "Pétition", "Numéro de la pétition")
        ),
    ),
    example_header="Province / Territory,Signatures",
    header_confirmed=False,
    sample_file="e-4701_signatures_2026-03-01.csv",
    notes="Copy the 'Signatures by province / territory' table of the petition's page into a "
    "CSV named after the petition number (e-4701_….csv). Each file is one snapshot of the "
    "total; the latest one counts. Header not confirmed against an export from "
    "ourcommons.ca: it is the page's table.",
)
