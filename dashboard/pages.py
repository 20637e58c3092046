"""Every page of the dashboard, listed once: the router builds the navigation from it, and
the tests open every page from it.

A page's title is the catalogue entry ``page.<name>`` and ``<name>`` is its address
(``/funnel``); the sidebar shows the pages in the order of ``PAGES``.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.ui import BOARD, LEAD


@dataclass(frozen=True)
class Page:
    name: str  # its address, and its title's key ``page.<name>``
    file: str  # relative to dashboard/
    icon: str
    roles: tuple[str, ...]  # who is offered it (the board never sees people's records)
    with_data: bool = True  # shown once the database holds data
    without_data: bool = False  # shown on an empty database
    filtered: bool = False  # reads the shared sidebar filters (campaign, channel, period)

    @property
    def title_key(self) -> str:
        return f"page.{self.name}"


EVERYONE = (LEAD, BOARD)
PAGES = (
    Page("welcome", "app_pages/welcome.py", "👋", EVERYONE, with_data=False, without_data=True),
    Page("overview", "app_pages/overview.py", "🏠", EVERYONE, filtered=True),
    Page("funnel", "app_pages/funnel.py", "🔻", EVERYONE, filtered=True),
    Page("events", "app_pages/events.py", "📅", EVERYONE, filtered=True),
    Page("attendance", "app_pages/attendance.py", "✅", (LEAD,)),
    Page("people", "app_pages/people.py", "🧗", (LEAD,), filtered=True),
    Page("channels", "app_pages/channels.py", "📣", EVERYONE, filtered=True),
    Page("data", "app_pages/imports.py", "📥", (LEAD,), without_data=True),
    Page("about", "app_pages/about.py", "ℹ️", EVERYONE, without_data=True),
)


def shown(has_data: bool, role: str) -> list[Page]:
    """The pages offered to ``role``, in the sidebar's order; the first opens by default."""
    return [p for p in PAGES if role in p.roles and (p.with_data if has_data else p.without_data)]


def page(name: str) -> Page:
    return next(p for p in PAGES if p.name == name)
