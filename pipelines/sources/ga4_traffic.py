"""Google Analytics 4, the "Traffic acquisition" report downloaded as CSV.

The same ``#`` comment lines as every GA4 download (the end date dates the report).
One row per channel group, source / medium or campaign: Sessions count as visits,
Users (or Active users) as the reach, on the channel the row names (``facebook /
referral`` is facebook, ``newsletter`` is email, the rest as written). The first
column's name changed over GA4's life (``Session default channel group``, then
``Session primary channel group (Default Channel Group)``); both are accepted. Header
not confirmed against a real download; French names inferred.
"""

from pipelines.sources import Field, Source, _web

LABELS = (
    "Session primary channel group (Default Channel Group)",
    "Session default channel group",
    "Session source / medium",
    "Session source",
    "Session campaign",
    "Groupe de canaux principal de la session (groupe de canaux par défaut)",
    "Groupe de canaux par défaut de la session",
    "Source/Support de la session",
    "Source de la session",
    "Campagne de la session",
)

SOURCE = Source(
    name="ga4_traffic",
    title="Google Analytics 4 traffic acquisition report",
    target="post_snapshots",
    signatures=tuple((label, "Sessions") for label in LABELS),
    fields=(
        Field("label", LABELS, required=True),
        Field("views", ("Sessions",), "count"),
        Field(
            "visitors",
            ("Users", "Active users", "Total users", "Utilisateurs", "Utilisateurs actifs"),
            "count",
        ),
    ),
    example_header="Session primary channel group (Default Channel Group),Users,Sessions,"
    "Engaged sessions,Average engagement time per session,Events per session,Event count,"
    "Key events",
    preamble=_web.read_ga4_preamble,
    extra={"staging_sql": _web.staging_sql("stg_web_sources.sql")},
    header_confirmed=False,
    sample_file="ga4_traffic_acquisition.csv",
    notes="Reports > Acquisition > Traffic acquisition > Download File > CSV "
    "(its '# End date' comment line dates it). Users count at "
    "awareness on the channel of their source (referral source, UTM campaign). Not with the "
    "pages report of the same period: they count the same visits. Header not confirmed "
    "against a real download.",
)
