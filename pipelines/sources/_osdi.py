"""SQL pieces shared by the OSDI JSON formats (HAL collections, as Action Network serves them).

A record's person, event or petition is a link; its id is the last segment of
the link, and its system the site's name (`https://actionnetwork.org/...` →
`actionnetwork`), so the person becomes the platform id `actionnetwork:<uuid>`,
as the Action Network CSV exports give it.
"""

from __future__ import annotations


def items_sql(collection: str, columns: dict[str, str]) -> str:
    """One row per element of ``_embedded.<collection>`` with ``line`` = its position (1-based).

    ``columns`` maps an output column to an SQL expression over ``item`` (the element as JSON).
    """
    selected = ",\n    ".join(
        f"cast({expr} as varchar) as {name}" for name, expr in columns.items()
    )
    return f"""
with pages as (
    select row_number() over () as page,
           json_extract(to_json(raw_json), '$._embedded."{collection}"[*]') as elements
    from raw_json
),
items as (
    -- each element once (not the whole list per element: that grows with its square)
    select page, unnest(elements) as item, unnest(range(len(elements))) as position
    from pages
)
select
    row_number() over (order by page, position) as line,
    {selected}
from items
"""


def text(path: str) -> str:
    """A value of the record, as text (``path`` like ``$.status``)."""
    return f"json_extract_string(item, '{path}')"


def link_id(link: str) -> str:
    """The last path segment of ``_links.<link>.href``."""
    href = text(f'$._links."{link}".href')
    return f"nullif(regexp_extract({href}, '([^/]+)/*$', 1), '')"


def link_key(link: str) -> str:
    """``system:id`` for a link, the system being the site's name."""
    href = text(f'$._links."{link}".href')
    system = (
        f"coalesce(nullif(regexp_extract({href}, "
        f"'^[a-z]+://(?:[^/]*\\.)?([^./]+)\\.[a-z]+(?::[0-9]+)?/', 1), ''), 'osdi')"
    )
    return f"{system} || ':' || {link_id(link)}"


def platform_id_from_identifiers() -> str:
    """``actionnetwork:<uuid>`` from identifiers like ``action_network:<uuid>`` (first one else)."""
    ids = "from_json(json_extract(item, '$.identifiers'), '[\"VARCHAR\"]')"
    chosen = (
        f"coalesce(list_filter({ids}, lambda x: x like 'action_network:%')[1], "
        f"list_filter({ids}, lambda x: x like '%:%')[1])"
    )
    return (
        f"lower(replace(split_part({chosen}, ':', 1), '_', '')) || ':' || "
        f"substr({chosen}, strpos({chosen}, ':') + 1)"
    )
