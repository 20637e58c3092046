"""How long each mart takes to rebuild, in the order a refresh builds them.

``python -m benchmarks.profile_marts DB``

Rebuilds every mart of DB inside one transaction, as a refresh does, under the
import's memory limit, prints each one's seconds and row count, then rolls back:
the database is left as it was.
"""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks import command_line
from pipelines import marts, pyramid, warehouse


def profile(db: Path) -> str:
    lines = ["| mart | seconds | rows |", "|---|---|---|"]
    total = 0.0
    with warehouse.writer(db) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute("begin transaction")
        marts.install_macros(con)
        pyramid.install_rules(con)
        for stem, sql in marts.mart_files():
            name = marts.table_name(stem)
            kind = "view" if marts.is_view(sql) else "table"
            begun = time.perf_counter()
            con.execute(f"create or replace {kind} {name} as {sql}")
            seconds = time.perf_counter() - begun
            total += seconds
            rows = (
                "(view)"
                if kind == "view"
                else f"{con.execute(f'select count(*) from {name}').fetchone()[0]:,}"
            )
            lines.append(f"| {name} | {seconds:.2f} | {rows} |")
        con.execute("rollback")
    lines.append(f"| all | {total:.2f} | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = command_line("benchmarks.profile_marts", __doc__)
    parser.add_argument("db", type=Path, help="a Turnout database (left unchanged)")
    print(profile(parser.parse_args(argv).db))


if __name__ == "__main__":
    main()
