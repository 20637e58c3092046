"""Change.org, a petition starter's download of its signatures (CSV).

One row per signer: name, city, state or province, postal code, country and the
day they signed. There is no email or phone, so a signer cannot be matched to
anyone Turnout knows, and two signers with the same name cannot be told apart: the
file counts as the petition's total (a snapshot of its signature count, like the UK
and Canadian petitions), never as people. Names and postal codes are not read.
The petition is named after the file (dates and extension removed): keep the same
name for later downloads of the same petition. Headers follow Change.org's
documented signature fields (``name, city, state_province, country_code,
signed_at``) and the download's captions; not confirmed against a real download.
"""

from pipelines.sources import Field, Source

SOURCE = Source(
    name="changeorg_signatures",
    title="Change.org petition signatures download",
    target="petition_snapshots",
    signatures=(
        ("Name", "City", "Postal Code", "Signed On"),
        ("name", "city", "state_province", "signed_at"),
        ("Nom", "Ville", "Code postal", "Signé le"),
    ),
    fields=(Field("signed_at", ("Signed On", "signed_at", "Signé le", "Date"), "timestamp"),),
    example_header="Name,City,State,Postal Code,Country,Signed On",
    header_confirmed=False,
    sample_file="changeorg_accueillons-les_signatures.csv",
    notes="Petition dashboard > Download signatures (CSV). Signers have no email or phone: "
    "the file counts as the petition's total at commitment, not as people (names are not "
    "read). Keep the file's name between downloads. Header not confirmed against a real "
    "download.",
)
