"""Names from files and exports printed on a terminal as they are, never as commands to it.

A file name, an event name or a campaign comes from outside: Rich would read ``[bold red]``
in it as markup, and a terminal would obey an ANSI escape sequence in it. ``safe`` shows
control characters as ``\\x1b``-style escapes and Rich markup as plain brackets.
"""

from __future__ import annotations

import re

from rich.markup import escape

# C0 and C1 control characters (ESC, BEL, backspace, carriage return, line breaks, DEL…)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def safe(value: object) -> str:
    """``value`` as text that prints exactly as written: no markup, no terminal control."""
    text = "" if value is None else str(value)
    text = CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return escape(text)
