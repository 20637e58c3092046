"""The campaign's own petition form export: one row per signature."""

from pipelines.sources import Field, Source

SOURCE = Source(
    name="petition_signatures",
    title="petition signatures (template)",
    target="signatures",
    signatures=(("petition_id", "signed_at"), ("petition_id", "signe_le")),
    fields=(
        Field("petition_id", ("petition_id",), "id", required=True),
        Field("signed_at", ("signed_at", "signe_le"), "timestamp"),
        Field("name", ("name", "nom")),
        Field("email", ("email", "courriel"), "email"),
        Field("phone", ("phone", "telephone"), "phone"),
        Field("heard_from", ("heard_from", "source")),
    ),
    example_header="petition_id,signed_at,name,email,phone",
    record_ref_partitioned=True,
    sample_file="petition_signatures.csv",
    notes="The same person signing twice counts once.",
)
