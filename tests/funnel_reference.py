"""The funnel counted a second, independent way: in pandas, from the rows of
``mart_funnel_facts``, as METRICS.md words the rule (a person's stage is their highest
stage among the facts kept; people[stage] counts that stage or higher). Checks the SQL
of ``pipelines.funnel`` where the sample files give no date to count a window from.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

STAGES = ("awareness", "engagement", "commitment", "action")


# what the reference counts from: every fact, its id (a 128-bit number pandas has no type
# for) left out
FACTS = "select * exclude (fact_id) from mart_funnel_facts"


def reference_funnel(db: Path, campaign, channel, since, until, group=None) -> list:
    """[group value, stage, interactions, people] rows worked out in pandas from the facts."""
    with duckdb.connect(str(db), read_only=True) as con:
        facts = con.execute(FACTS).df()
    keep = pd.Series(True, index=facts.index)
    if campaign is not None:
        keep &= facts["campaign"] == campaign
    if channel is not None:
        keep &= facts["channel"] == channel
    if since is not None:
        keep &= (facts["occurred_at"] >= since) & (facts["occurred_at"] < until)
    facts = facts[keep].copy()
    facts["key"] = (
        facts["campaign"].fillna("(none)")
        if group == "campaign"
        else facts["channel"]
        if group
        else ""
    )
    tops = facts.dropna(subset=["person_id"]).groupby(["key", "person_id"])["stage_rank"].max()
    rows = []
    for key in sorted(facts["key"].unique()) if group else [""]:
        cell = facts[facts["key"] == key]
        for rank, stage in enumerate(STAGES, start=1):
            rows.append(
                [
                    key,
                    stage,
                    int(cell.loc[cell["stage"] == stage, "interactions"].sum()),
                    int((tops.get(key, pd.Series(dtype=int)) >= rank).sum()),
                ]
            )
    return rows


def window_figures(db: Path, since, until) -> dict:
    """The funnel's key figures in [since, until), from ``reference_funnel``."""
    counted = {stage: (i, p) for _, stage, i, p in reference_funnel(db, None, None, since, until)}
    committed, acted = counted["commitment"][1], counted["action"][1]
    engaged, actions = counted["engagement"][0], counted["action"][0]
    return {
        "reached": counted["awareness"][0],
        "reached_people": counted["awareness"][1],
        "committed": committed,
        "acted": acted,
        "slacktivism": (committed - acted) / committed if committed else None,
        "per_1000": 1000 * actions / engaged if engaged else None,
    }


def reference_period_cells(db: Path) -> set[tuple]:
    """mart_funnel's week and month cells worked out in pandas from the facts: (campaign,
    channel, period, period_start, stage, interactions, people) for every breakdown, a
    missing channel as '(none)'."""
    with duckdb.connect(str(db), read_only=True) as con:
        facts = con.execute(FACTS).df()
    facts["campaign"] = facts["campaign"].fillna("(none)")
    facts["channel"] = facts["channel"].fillna("(none)")
    day = facts["occurred_at"].dt.normalize()
    starts = {
        "week": day - pd.to_timedelta(day.dt.day_of_week, unit="D"),
        "month": day.dt.to_period("M").dt.start_time,
    }
    rows = set()
    for period, start in starts.items():
        for campaign in ("campaign", None):
            for channel in ("channel", None):
                cell = pd.DataFrame(
                    {
                        "campaign": facts[campaign] if campaign else "(all)",
                        "channel": facts[channel] if channel else "(all)",
                        "start": start.dt.date,
                        "person_id": facts["person_id"],
                        "stage": facts["stage"],
                        "stage_rank": facts["stage_rank"],
                        "interactions": facts["interactions"],
                    }
                )
                keys = ["campaign", "channel", "start"]
                tops = cell.dropna(subset=["person_id"]).groupby([*keys, "person_id"])
                tops = tops["stage_rank"].max().reset_index()
                for rank, stage in enumerate(STAGES, start=1):
                    interactions = (
                        cell["interactions"]
                        .where(cell["stage"] == stage, 0)
                        .groupby([cell[k] for k in keys])
                        .sum()
                    )
                    people = (tops["stage_rank"] >= rank).groupby([tops[k] for k in keys]).sum()
                    for key, total in interactions.items():
                        rows.add(
                            (*key[:2], period, key[2], stage, int(total), int(people.get(key, 0)))
                        )
    return rows
