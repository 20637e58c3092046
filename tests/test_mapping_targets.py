"""A column mapping works for every canonical table, with every column it may map."""

from __future__ import annotations

from datetime import datetime

import pytest

from pipelines.sources import mapped
from pipelines.targets import TARGETS
from tests.conftest import query, run_import, write

CALENDAR = "event_id,name,starts_at\nrally-1,Rally,2026-03-05 18:30\n"
EXAMPLES = {
    "count": "12",
    "number": "7.5",
    "timestamp": "2026-03-05 18:30",
    "bool": "yes",
    "email": "someone@example.org",
    "phone": "514 555 0123",
    "id": "rally-1",
    "text": "word",
}
VALUES = {"action": "open", "platform": "facebook", "platform_id": "fb-1"}


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_column_of_every_target_can_be_mapped(db, tmp_path, target):
    run_import(db, write(tmp_path, "calendar.csv", CALENDAR))
    columns = mapped._allowed(target)
    given = dict(VALUES)
    if target == "events":
        given["event_id"] = "rally-2"  # a new event, so the row is loaded, not a duplicate
    headers = [f"col {name}" for name in columns]
    values = [given.get(name, EXAMPLES[mapped.column_type(name)]) for name in columns]
    spec = "".join(f'{name} = "col {name}"\n' for name in columns)
    mapping = write(tmp_path, "map.toml", f'target = "{target}"\n[columns]\n{spec}')
    data = write(tmp_path, "mapped.csv", ",".join(headers) + "\n" + ",".join(values) + "\n")
    result = run_import(db, data, mapping=mapping, exported_at=datetime(2026, 3, 6, 9))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (1, 1, 0), result.rejects
    table = TARGETS[target].table
    expected = 2 if target == "events" else 1
    assert query(db, f"select count(*) from {table}") == [(expected,)]
