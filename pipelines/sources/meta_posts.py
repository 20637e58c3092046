"""Meta Business Suite "Content" export for a Facebook page: one row per post.

Every figure is a lifetime total as of the export day, so each import is a
snapshot keyed by (post, export time); the latest snapshot of a post counts.
Older exports say ``Impressions`` where newer ones say ``Views``: both map to
impressions. ``Total clicks`` (not ``Link Clicks``) is the clicks figure.
The French header names are inferred from the French Business Suite interface.
"""

from pipelines.sources import Field, Source


def content_signatures(reactions: str, reactions_fr: str) -> tuple[tuple[str, ...], ...]:
    """The header of a Business Suite "Content" export, English and French, that names its
    reactions column ``reactions`` (``reactions_fr`` in French)."""
    return (
        ("Post ID", "Publish time", "Reach", reactions),
        ("Identifiant de la publication", "Heure de publication", "Couverture", reactions_fr),
    )


def content_fields(reactions: Field, *more: Field) -> tuple[Field, ...]:
    """The columns of a Business Suite "Content" export, a Facebook page's or an Instagram
    account's: the same but for what counts as the reactions, and what else is kept."""
    return (
        Field("post_id", ("Post ID", "Identifiant de la publication"), "id", required=True),
        Field("published_at", ("Publish time", "Heure de publication"), "timestamp"),
        Field("permalink", ("Permalink", "Permalien")),
        Field("reach", ("Reach", "Couverture"), "count"),
        Field("impressions", ("Views", "Impressions", "Vues"), "count"),
        reactions,
        Field("comments", ("Comments", "Commentaires"), "count"),
        Field("shares", ("Shares", "Partages"), "count"),
        *more,
    )


SOURCE = Source(
    name="meta_posts",
    title="Meta Business Suite posts export (Facebook)",
    target="post_snapshots",
    constants={"platform": "facebook"},
    signatures=content_signatures("Reactions", "Réactions"),
    fields=content_fields(
        Field("reactions", ("Reactions", "Réactions"), "count"),
        Field("clicks", ("Total clicks", "Total des clics"), "count"),
    ),
    example_header='"Post ID","Page ID","Page name",Title,Description,"Duration (sec)",'
    '"Publish time","Caption type",Permalink,"Is crosspost","Is share","Post type",Languages,'
    '"Custom labels","Funded content status","Data comment",Date,Views,Reach,'
    '"Reactions, Comments and Shares",Reactions,Comments,Shares,"Total clicks","Other Clicks",'
    '"Link Clicks"',
    sample_file="facebook_posts_2026-11-01.csv",
    notes="Business Suite > Insights > Content > Export data, as CSV. Figures are lifetime "
    "totals on the export day: import a newer export of the same posts and it replaces the "
    "older one in the totals (both snapshots are kept). Do not open the file in Excel first: "
    "it turns post ids into 1.22158E+17.",
)
