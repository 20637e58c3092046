"""X (Twitter) analytics, current ``account_analytics_content_<from>_<to>.csv``.

One row per post. X gives impressions but no reach: reach stays empty.
reactions = Likes, comments = Replies, shares = Reposts (X's own "Shares"
column counts sends by message or link copies, and is not kept); clicks = URL
Clicks. Headers follow the account's language: English and French names are
accepted (the French ones are inferred from the French interface).
"""

from pipelines.sources import Field, Source

SOURCE = Source(
    name="x_posts",
    title="X post analytics export",
    target="post_snapshots",
    constants={"platform": "x"},
    signatures=(
        ("Post id", "Date", "Post text", "Impressions", "Likes"),
        ("Identifiant du post", "Date", "Texte du post", "Impressions", "J'aime"),
    ),
    fields=(
        Field("post_id", ("Post id", "Identifiant du post", "ID du post"), "id", required=True),
        Field("published_at", ("Date",), "timestamp"),
        Field("permalink", ("Post Link", "Link", "Lien du post", "Lien")),
        Field("impressions", ("Impressions",), "count"),
        Field("reactions", ("Likes", "J'aime"), "count"),
        Field("comments", ("Replies", "Réponses"), "count"),
        Field("shares", ("Reposts", "Republications", "Reposts du post"), "count"),
        Field("clicks", ("URL Clicks", "Clics sur l'URL", "Clics sur le lien"), "count"),
    ),
    example_header="Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,"
    "Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,"
    "Hashtag Clicks,Permalink Clicks",
    sample_file="account_analytics_content_2025-11-01_2026-10-31.csv",
    notes="X has no reach: the awareness count uses impressions for X posts. Likes count as "
    "reactions, replies as comments, reposts as shares.",
)
