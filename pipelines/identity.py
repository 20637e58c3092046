"""Who is who: normalised keys, keyed hashes, and people as linked records.

A key is an email (trimmed, lower-cased), a phone (E.164, parsed with the
campaign's default region) or a platform id (``system:id``). Only
``sha256(secret || kind || ':' || key)`` is kept, its first 128 bits as a number.
Records sharing any key belong to the same person, transitively.
"""

from __future__ import annotations

import duckdb
import phonenumbers
from duckdb.func import FunctionNullHandling

from pipelines import warehouse

PERSON_TABLES = ("registrations", "checkins", "signatures", "email_activity", "identities")
KEY_COLUMNS = ("email_key", "phone_key", "platform_key")


def normalise_phone(raw: str | None, region: str) -> str | None:
    """E.164 form of a phone number, or None when it is not a possible number."""
    if raw is None:
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    def create() -> None:
        con.create_function(
            "turnout_phone",
            normalise_phone,
            ["VARCHAR", "VARCHAR"],
            "VARCHAR",
            null_handling=FunctionNullHandling.SPECIAL,
            side_effects=False,
        )

    # a result left half-fetched by an earlier statement would make the registration fail
    con.execute("select 1").fetchall()
    try:
        create()
    except duckdb.Error:  # registered on this connection before: is it still in the catalog?
        # a function registered inside a transaction that was rolled back is gone from the
        # catalog while the connection still holds its name (the count is fetched whole:
        # a result left open would make the removal fail)
        found = con.execute(
            "select count(*) from duckdb_functions() where function_name = 'turnout_phone'"
        ).fetchall()[0][0]
        if not found:
            con.remove_function("turnout_phone")
            create()


def use_secret(
    con: duckdb.DuckDBPyConnection, secret: bytes | None, region: str | None = None
) -> None:
    """Give the import's SQL the secret (``turnout_key``) and the region phones are read in
    (:func:`phone_key_sql`), or take them away (None)."""
    if secret is None:
        for name in ("turnout_secret", "turnout_region", "turnout_north_american"):
            con.execute(f"reset variable {name}")
        return
    con.execute("set variable turnout_secret = ?", [secret.decode()])
    if region is not None:  # turnout_phone is registered once per batch (load.Session)
        con.execute("set variable turnout_region = ?", [region])
        con.execute(
            "set variable turnout_north_american = ?",
            [phonenumbers.country_code_for_region(region) == 1],
        )


def phone_key_sql(x: str) -> str:
    """SQL for the keyed hash of the phone number written in column ``x``.

    The number is put in E.164 form for the region given to :func:`use_secret`. North
    American numbers written with ten digits take a fast path in SQL that gives the same
    form as the phonenumbers library (``turnout_phone``), which reads all the others.
    """
    given = f"nullif(trim({x}), '')"
    digits = f"regexp_replace({given}, '[\\s().\\-]', '', 'g')"
    north_american = "getvariable('turnout_north_american')"
    return f"""turnout_key('phone', case
        when {north_american} and regexp_full_match({digits}, '\\d{{10}}')
             and {digits}[1] not in ('0', '1')
            then '+1' || {digits}
        when {north_american} and regexp_full_match({digits}, '\\+?1\\d{{10}}')
             and right({digits}, 10)[1] not in ('0', '1')
            then '+1' || right({digits}, 10)
        else turnout_phone({given}, getvariable('turnout_region'))
    end)"""


def attach_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Turn ``typed`` into ``keyed``: its email, phone and platform id, keyed hashes since
    the file was read (``staging.read_hashed``), take the names of keys. The table is
    renamed, not copied: its rows stay where they are."""
    con.execute("""
        alter table typed rename column email to email_key;
        alter table typed rename column phone to phone_key;
        alter table typed rename column platform_id to platform_key;
        alter table typed rename to keyed
    """)


def person_id_sql(key: str) -> str:
    """SQL for the person id of a label, a key (``turnout_key_number``): its top 60 bits,
    the number its first 15 hex digits write.

    A person is known inside the warehouse by this number (a BIGINT), which every mart
    joins, groups and sorts several times faster than text. People read it as
    :func:`person_label_sql` writes it.
    """
    return f"cast({key} >> 68 as bigint)"


def person_label_sql(person_id: str) -> str:
    """SQL for the text a person reads for the person id in column ``person_id``.

    A linked person is 'p' and the 15 hex digits of the smallest key hash of their keys. A
    record with no key at all is its own anonymous person, numbered below zero from its
    record id (``turnout_anonymous_person`` in ``sql/marts/_macros.sql``): 'anon:' and the
    first 15 hex digits of that record id.
    """
    return (
        f"case when {person_id} >= 0 then 'p' || lpad(lower(hex({person_id})), 15, '0') "
        f"else 'anon:' || lpad(lower(hex(-1 - {person_id})), 15, '0') end"
    )


def person_label(person_id: int) -> str:
    """:func:`person_label_sql` in Python, for rows already out of the database."""
    if person_id >= 0:
        return f"p{person_id:015x}"
    return f"anon:{-1 - person_id:015x}"


def _edges_sql(only: str = "") -> str:
    """Pairs of keys found on one record; ``only``: an extra condition on the records."""
    pairs = []
    for table in PERSON_TABLES:
        for i, left in enumerate(KEY_COLUMNS):
            for right in KEY_COLUMNS[i + 1 :]:
                if table in ("checkins", "email_activity") and "platform_key" in (left, right):
                    continue
                if table == "email_activity" and "phone_key" in (left, right):
                    continue
                pairs.append(
                    f"select {left} as a, {right} as b from {table} "
                    f"where {left} is not null and {right} is not null{only}"
                )
    return " union ".join(pairs)


def _keys_sql(only: str = "") -> str:
    parts = []
    for table in PERSON_TABLES:
        for column in KEY_COLUMNS:
            if table in ("checkins", "email_activity") and column == "platform_key":
                continue
            if table == "email_activity" and column == "phone_key":
                continue
            kind = column.removesuffix("_key")
            parts.append(
                f"select {column} as key_hash, '{kind}' as key_kind from {table} "
                f"where {column} is not null{only}"
            )
    return " union ".join(parts)


def resolve_people(
    con: duckdb.DuckDBPyConnection, added_by: list[int] | None = None, moves: str = ""
) -> int:
    """Rebuild ``person_keys`` and ``people``: connected components of keys.

    With ``added_by``, the ids of imports that only added records (they replaced none, so
    no key or link went away), only the people their records touch are relinked: the same
    result as a full rebuild, without reading every record again. ``moves``, with
    ``added_by``: a temporary table to hold the keys this relinking gave another person or
    a first one (``key_hash, person_before, person_after``; ``pipelines/batch_changes.py``).
    """
    if added_by is not None and warehouse.scalar(con, "select count(*) from person_keys"):
        return _link_added(con, added_by, moves)
    if moves:
        raise ValueError("the keys a relinking moved are known when it only adds records")
    con.execute(
        f"create or replace temp table key_edges as select distinct a, b from ({_edges_sql()})"
    )
    con.execute(f"""
        create or replace temp table key_labels as
        select key_hash, any_value(key_kind) as key_kind, key_hash as label
        from ({_keys_sql()}) group by key_hash
    """)
    rounds = 0
    while True:
        rounds += 1
        con.execute("""
            create or replace temp table key_labels_next as
            with neighbours as (
                select a as key_hash, b as other from key_edges
                union all
                select b, a from key_edges
            ),
            best_neighbour as (
                select neighbours.key_hash, min(key_labels.label) as label
                from neighbours
                join key_labels on key_labels.key_hash = neighbours.other
                group by neighbours.key_hash
            )
            select key_labels.key_hash, key_labels.key_kind,
                   least(key_labels.label, coalesce(best_neighbour.label, key_labels.label))
                       as label
            from key_labels
            left join best_neighbour using (key_hash)
        """)
        changed = warehouse.scalar(
            con,
            """
            select count(*) from key_labels_next
            join key_labels using (key_hash)
            where key_labels_next.label <> key_labels.label
        """,
        )
        con.execute("drop table key_labels; alter table key_labels_next rename to key_labels")
        if changed == 0:
            break
    con.execute("delete from person_keys")
    con.execute(f"""
        insert into person_keys
        select key_hash, key_kind, {person_id_sql("label")} as person_id from key_labels
    """)
    con.execute("delete from people")
    con.execute("""
        insert into people
        select person_id, count(*) as count_keys, null as first_seen_at
        from person_keys group by person_id
    """)
    con.execute("drop table key_edges; drop table key_labels")
    return rounds


def _link_added(con: duckdb.DuckDBPyConnection, import_ids: list[int], moves: str = "") -> int:
    """Add some imports' keys and links to ``person_keys`` and ``people``; ``moves``: the
    temporary table to write the keys whose person changed into (see ``resolve_people``).

    A person's id is the number written by the first 15 hex digits of the smallest key
    hash of their component, so two people who become one take the smaller id (the prefix
    of the smallest key is the smallest prefix). The graph walked here has one node per
    person or new key that the import's records touch, not one per key of the database.
    Only these move: every key of a person merged into another, and the new keys.
    """
    only = f" and import_id in ({', '.join(str(int(i)) for i in import_ids)})"
    con.execute(f"""
        create or replace temp table added_keys as
        select key_hash, any_value(key_kind) as key_kind from ({_keys_sql(only)})
        group by key_hash
    """)
    con.execute(f"""
        create or replace temp table key_nodes as
        select a.key_hash, a.key_kind, k.person_id,
               coalesce('p' || k.person_id, 'n' || cast(a.key_hash as varchar)) as node,
               coalesce(k.person_id, {person_id_sql("a.key_hash")}) as label
        from added_keys as a
        left join person_keys as k using (key_hash)
    """)
    con.execute(f"""
        create or replace temp table node_edges as
        select distinct na.node as a, nb.node as b
        from (select distinct a, b from ({_edges_sql(only)})) as e
        join key_nodes as na on na.key_hash = e.a
        join key_nodes as nb on nb.key_hash = e.b
        where na.node <> nb.node
    """)
    con.execute("""
        create or replace temp table node_labels as
        select node, min(label) as label from key_nodes group by node
    """)
    rounds = 0
    while True:
        rounds += 1
        changed = warehouse.scalar(
            con,
            """
            with neighbours as (
                select a as node, b as other from node_edges
                union all
                select b, a from node_edges
            ),
            best as (
                select neighbours.node, min(node_labels.label) as label
                from neighbours join node_labels on node_labels.node = neighbours.other
                group by neighbours.node
            )
            update node_labels set label = best.label
            from best
            where best.node = node_labels.node and best.label < node_labels.label
        """,
        )
        if changed == 0:
            break
    # people whose id changes, and the ids every touched person ends with
    con.execute("""
        create or replace temp table moved_people as
        select distinct k.person_id as old_id, l.label as new_id
        from key_nodes as k join node_labels as l using (node)
        where k.person_id is not null and k.person_id <> l.label
    """)
    if moves:
        con.execute(f"""
            create or replace temp table {moves} as
            select k.key_hash, m.old_id as person_before, m.new_id as person_after
            from person_keys as k join moved_people as m on k.person_id = m.old_id
            union all
            select k.key_hash, null, l.label
            from key_nodes as k join node_labels as l using (node)
            where k.person_id is null
        """)
    con.execute("""
        update person_keys set person_id = moved_people.new_id
        from moved_people where person_keys.person_id = moved_people.old_id
    """)
    con.execute("""
        insert into person_keys
        select k.key_hash, k.key_kind, l.label
        from key_nodes as k join node_labels as l using (node)
        where k.person_id is null
    """)
    con.execute("""
        create or replace temp table touched_people as
        select old_id as person_id from moved_people
        union
        select distinct l.label from key_nodes as k join node_labels as l using (node)
    """)
    con.execute("delete from people where person_id in (select person_id from touched_people)")
    con.execute("""
        insert into people
        select person_id, count(*) as count_keys, null as first_seen_at
        from person_keys
        where person_id in (select person_id from touched_people)
        group by person_id
    """)
    con.execute(
        "drop table added_keys; drop table key_nodes; drop table node_edges; "
        "drop table node_labels; drop table moved_people; drop table touched_people"
    )
    return rounds
