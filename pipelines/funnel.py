"""The funnel as the report and the dashboard read it: one home for the people funnel.

- For all time the cells of ``mart_funnel`` hold it; within a date window people must be
  counted distinctly within the window, so it is counted from ``mart_funnel_facts``: a
  person's stage is their highest stage among the facts kept, and ``people[stage]`` is
  the number of people at that stage or higher (docs/metrics.md).
- Every funnel read here comes with its rates, from the marts' macros: the slacktivism
  index with its 95% Wilson interval, and actions per 1,000 engagements. A connection
  must have the macros installed first (``install``), read-only connections included.
- Filters are bound parameters: campaign, channel, since, until, each given twice
  (``params``). ``{group}`` in ``WINDOW_SQL`` is replaced by a fixed expression from
  ``GROUPS`` (``window_sql``), never by input.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from pipelines import marts

STAGES = ("awareness", "engagement", "commitment", "action")
# the breakdown of a window: each value of this expression, and the total over them all
GROUPS = {
    "channel": "channel",
    "campaign": "coalesce(campaign, '(none)')",
    None: "cast(null as varchar)",
}

STAGES_SQL = """
    select * from (values ('awareness', 1), ('engagement', 2), ('commitment', 3),
                          ('action', 4)) as s (stage, stage_rank)
"""
FACT_FILTER = """
    (?::varchar is null or campaign = ?)
    and (?::varchar is null or channel = ?)
    and (?::timestamp is null or occurred_at >= ?)
    and (?::timestamp is null or occurred_at < ?)
"""

# each cell's rates, from its counts (``counted``: one row per cell and stage)
_RATES = """
cell_counts as (
    select is_total, group_value,
           max(people) filter (where stage = 'commitment') as committed,
           max(people) filter (where stage = 'action') as acted,
           max(interactions) filter (where stage = 'engagement') as engagements,
           max(interactions) filter (where stage = 'action') as actions
    from counted
    group by is_total, group_value
),
rates as (
    select is_total, group_value,
           turnout_slacktivism(committed, acted) as slacktivism_index,
           turnout_wilson_low(turnout_slacktivism(committed, acted), committed)
               as slacktivism_low,
           turnout_wilson_high(turnout_slacktivism(committed, acted), committed)
               as slacktivism_high,
           case when engagements > 0 then 1000 * actions / engagements end
               as actions_per_1000_engagements
    from cell_counts
)
select c.*, r.slacktivism_index, r.slacktivism_low, r.slacktivism_high,
       r.actions_per_1000_engagements
from counted as c
join rates as r on r.is_total = c.is_total and r.group_value is not distinct from c.group_value
order by c.is_total, c.group_value, c.stage_rank
"""

# all time: one cell of mart_funnel (campaign, channel: a value or '(all)')
CELL_SQL = f"""
with stages as ({STAGES_SQL}),
cell as (
    select stage, interactions, people from mart_funnel
    where period = 'all' and campaign = ? and channel = ?
),
counted as (
    select true as is_total, cast(null as varchar) as group_value, s.stage, s.stage_rank,
           coalesce(c.interactions, 0) as interactions, coalesce(c.people, 0) as people
    from stages as s left join cell as c using (stage)
),
{_RATES}
"""

# a window: each value of {group} and the total, counted in one pass over the facts
WINDOW_SQL = f"""
with facts as (
    select *, {{group}} as group_value from mart_funnel_facts where {FACT_FILTER}
),
interactions as (
    select grouping(group_value) = 1 as is_total, group_value, stage,
           sum(interactions) as interactions
    from facts
    group by grouping sets ((group_value, stage), (stage))
),
top_counts as (
    -- how many people reached each stage as their highest, per group and over all
    select is_total, group_value, top_rank, count(*) as n
    from (select grouping(group_value) = 1 as is_total, group_value,
                 max(stage_rank) as top_rank
          from facts where person_id is not null
          group by grouping sets ((group_value, person_id), (person_id)))
    group by all
),
cells as (
    select distinct false as is_total, group_value from facts
    union all select true, null
),
stages as ({STAGES_SQL}),
people as (
    -- cumulative: people[stage] = people whose highest stage is that stage or higher
    select c.is_total, c.group_value, s.stage, s.stage_rank, coalesce(sum(t.n), 0) as people
    from cells as c cross join stages as s
    left join top_counts as t on t.is_total = c.is_total
        and t.group_value is not distinct from c.group_value and t.top_rank >= s.stage_rank
    group by all
),
counted as (
    select p.is_total, p.group_value, p.stage, p.stage_rank,
           cast(coalesce(i.interactions, 0) as bigint) as interactions,
           cast(p.people as bigint) as people
    from people as p
    left join interactions as i on i.is_total = p.is_total
        and i.group_value is not distinct from p.group_value and i.stage = p.stage
),
{_RATES}
"""

ANONYMOUS_SQL = f"""
    select count(distinct person_id) from mart_funnel_facts
    where {FACT_FILTER} and person_id < 0  -- turnout_anonymous_person
"""


def window_sql(group: str | None) -> str:
    """``WINDOW_SQL`` broken down by ``group`` (a key of ``GROUPS``); None: the total only."""
    return WINDOW_SQL.replace("{group}", GROUPS[group])


def params(
    campaign: str | None, channel: str | None, since: datetime | None, until: datetime | None
) -> list[object]:
    """The bound values of ``FACT_FILTER``, in its order."""
    return [campaign, campaign, channel, channel, since, since, until, until]


def install(con: duckdb.DuckDBPyConnection) -> None:
    """The marts' macros (the rates' formulas) on this connection; a read-only one too."""
    marts.install_macros(con)
