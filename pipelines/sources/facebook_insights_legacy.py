"""The legacy "Facebook Insights Data Export (Post Level)" (until about 2018).

Row 2 describes each metric and is skipped. Header names repeat (a total and
a unique-users column can share a name): the first occurrence is used.

Which legacy columns stand for today's figures:
- reach = Lifetime Post Total Reach; impressions = Lifetime Post Total Impressions.
- reactions, comments, shares = "Lifetime Post Stories by action type - like /
  comment / share": stories count actions, as Business Suite's Reactions,
  Comments and Shares do. When a file lacks them, the "Lifetime Talking About
  This (Post) by action type" columns (unique people, slightly lower) are used,
  then bare ``like``/``comment``/``share`` columns.
- clicks = Lifetime Post Consumptions ("the number of clicks anywhere in your
  post"), the legacy counterpart of Business Suite's "Total clicks".
"""

from pipelines.sources import Field, Source

STORIES = "Lifetime Post Stories by action type - "
TALKING = "Lifetime Talking About This (Post) by action type - "

SOURCE = Source(
    name="facebook_insights_legacy",
    title="Facebook Insights post-level export (legacy)",
    target="post_snapshots",
    constants={"platform": "facebook"},
    signatures=(
        ("Post ID", "Posted", "Lifetime Post Total Reach", "Lifetime Post Total Impressions"),
    ),
    fields=(
        Field("post_id", ("Post ID",), "id", required=True),
        Field("published_at", ("Posted",), "timestamp"),
        Field("permalink", ("Permalink",)),
        Field("reach", ("Lifetime Post Total Reach",), "count"),
        Field("impressions", ("Lifetime Post Total Impressions",), "count"),
        Field("reactions", (STORIES + "like", TALKING + "like", "like", "likes"), "count"),
        Field(
            "comments", (STORIES + "comment", TALKING + "comment", "comment", "comments"), "count"
        ),
        Field("shares", (STORIES + "share", TALKING + "share", "share", "shares"), "count"),
        Field("clicks", ("Lifetime Post Consumptions",), "count"),
    ),
    example_header="Post ID,Permalink,Post Message,Type,Countries,Languages,Posted,"
    "Audience Targeting,Lifetime Post Total Reach,Lifetime Post organic reach,"
    "Lifetime Post Paid Reach,Lifetime Post Total Impressions,Lifetime Engaged Users,"
    "Lifetime Post Consumers,Lifetime Post Consumptions,"
    "Lifetime Post Stories by action type - comment,Lifetime Post Stories by action type - like,"
    "Lifetime Post Stories by action type - share",
    description_row=True,
    sample_file="facebook_insights_legacy.csv",
    notes="The old Insights export (Post Level, CSV). Its second row describes the metrics and "
    "is skipped. Reactions, comments and shares come from the 'Post Stories by action type' "
    "columns; clicks from 'Lifetime Post Consumptions'.",
)
