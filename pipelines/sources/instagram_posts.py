"""Meta Business Suite "Content" export for an Instagram account: one row per post.

The Instagram variant of ``meta_posts``: ``Likes`` are its reactions. Same
quirks (BOM, captions with line breaks and emoji, Excel-mangled ids, totals
rows); every figure is a lifetime total as of the export day.
"""

from pipelines.sources import Field, Source
from pipelines.sources.meta_posts import content_fields, content_signatures

SOURCE = Source(
    name="instagram_posts",
    title="Meta Business Suite posts export (Instagram)",
    target="post_snapshots",
    constants={"platform": "instagram"},
    signatures=content_signatures("Likes", "J'aime"),
    fields=content_fields(Field("reactions", ("Likes", "J'aime"), "count")),
    example_header='"Post ID","Account ID","Account username","Account name",Description,'
    '"Duration (sec)","Publish time",Permalink,"Post type","Data comment",Date,Views,Reach,'
    "Likes,Shares,Follows,Comments,Saves",
    sample_file="instagram_posts.csv",
    notes="Business Suite > Insights > Content, Instagram account, Export data as CSV. "
    "Likes count as reactions; saves and follows are not kept. Lifetime totals: the latest "
    "export of a post counts.",
)
