"""X (Twitter) analytics, legacy ``tweet_activity_metrics_<handle>_<from>_<to>_<lang>.csv``.

One row per tweet; values like ``424.0``, ``-`` in empty promoted columns,
``time`` like ``2015-09-30 18:42 +0000`` (stored in UTC). No reach.
reactions = favorites (likes), comments = replies, shares = retweets,
clicks = url clicks. Headers follow the account's language: English and
French names are accepted.
"""

from pipelines.sources import Field, Source

SOURCE = Source(
    name="x_posts_legacy",
    title="Twitter tweet activity export (legacy)",
    target="post_snapshots",
    constants={"platform": "x"},
    signatures=(
        ("Tweet id", "time", "impressions", "engagements"),
        ("Identifiant du Tweet", "heure", "impressions", "engagements"),
    ),
    fields=(
        Field("post_id", ("Tweet id", "Identifiant du Tweet"), "id", required=True),
        Field("published_at", ("time", "heure"), "timestamp"),
        Field("permalink", ("Tweet permalink", "Permalien du Tweet", "lien permanent du Tweet")),
        Field("impressions", ("impressions",), "count"),
        Field("reactions", ("favorites", "likes", "J'aime", "favoris"), "count"),
        Field("comments", ("replies", "réponses"), "count"),
        Field("shares", ("retweets",), "count"),
        Field("clicks", ("url clicks", "clics sur l'URL", "clics sur URL"), "count"),
    ),
    example_header='"Tweet id","Tweet permalink","Tweet text","time","impressions",'
    '"engagements","engagement rate","retweets","replies","favorites","user profile clicks",'
    '"url clicks"',
    sample_file="tweet_activity_metrics_ourcampaign_20150901_20151001_en.csv",
    notes="The old analytics.twitter.com export. Favorites count as reactions, replies as "
    "comments, retweets as shares; there is no reach.",
)
