"""Google Analytics 4, the "Pages and screens" report downloaded as CSV.

GA4 writes comment lines above the table (``# Pages and screens: …``, ``# Start
date: 20250101``, ``# End date: 20250211``); the end date dates the report. One row
per page: Views are impressions, Active users the page's reach (visitors are not
identified people). Header seen in a real export: ``Page path and screen class,Views,
Active users,Views per active user,Average engagement time per active user,Event
count,Key events,Total revenue``; the French names are inferred from the French
interface.
"""

from pipelines.sources import Field, Source, _web

SOURCE = Source(
    name="ga4_pages",
    title="Google Analytics 4 pages and screens report",
    target="post_snapshots",
    signatures=(
        ("Page path and screen class", "Views"),
        ("Page title and screen class", "Views"),
        ("Chemin de la page et classe de l'écran", "Vues"),
        ("Titre de la page et classe de l'écran", "Vues"),
    ),
    fields=(
        Field(
            "label",
            (
                "Page path and screen class",
                "Page title and screen class",
                "Chemin de la page et classe de l'écran",
                "Titre de la page et classe de l'écran",
            ),
            required=True,
        ),
        Field("views", ("Views", "Vues"), "count"),
        Field(
            "visitors",
            ("Active users", "Users", "Total users", "Utilisateurs actifs", "Utilisateurs"),
            "count",
        ),
    ),
    example_header="Page path and screen class,Views,Active users,Views per active user,"
    "Average engagement time per active user,Event count,Key events,Total revenue",
    preamble=_web.read_ga4_preamble,
    extra={"staging_sql": _web.staging_sql("stg_web_pages.sql")},
    sample_file="ga4_pages_and_screens.csv",
    notes="Reports > Engagement > Pages and screens > Share this report > Download File > CSV "
    "(its '# End date' comment line dates it). "
    "Views and active users count at awareness on the channel 'web'. Import one report per "
    "site and period: this one or the traffic acquisition report, not both (they count the "
    "same visits). French headers inferred, not confirmed.",
)
