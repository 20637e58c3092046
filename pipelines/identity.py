"""Who is who: normalised keys, keyed hashes, and people as linked records.

A key is an email (trimmed, lower-cased), a phone (E.164, parsed with the
campaign's default region) or a platform id (``system:id``). Only
``sha256(secret || kind || ':' || key)`` is stored. Records sharing any key
belong to the same person, transitively.
"""

from __future__ import annotations

import duckdb
import phonenumbers

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
    try:
        con.create_function(
            "turnout_phone", normalise_phone, ["VARCHAR", "VARCHAR"], "VARCHAR",
            null_handling="special", side_effects=False,
        )
    except duckdb.Error:
        pass  # already registered on this connection


def attach_keys(con: duckdb.DuckDBPyConnection, secret: bytes, region: str) -> None:
    """Turn ``typed`` into ``keyed``: emails, phones and platform ids become keyed hashes.

    Phones are parsed once per distinct value; North American numbers written
    with ten digits take a fast path in SQL that gives the same E.164 form.
    """
    register_functions(con)
    north_american = phonenumbers.country_code_for_region(region) == 1
    con.execute("""
        create or replace temp table phone_forms as
        with distinct_phones as (
            select distinct phone as raw,
                   regexp_replace(phone, '[\\s().\\-]', '', 'g') as compact
            from typed
            where phone is not null
        )
        select raw,
               case
                   when ? and regexp_full_match(compact, '\\d{10}') and compact[1] not in ('0', '1')
                       then '+1' || compact
                   when ? and regexp_full_match(compact, '\\+?1\\d{10}')
                        and right(compact, 10)[1] not in ('0', '1')
                       then '+1' || right(compact, 10)
                   else turnout_phone(raw, ?)
               end as e164
        from distinct_phones
    """, [north_american, north_american, region])
    con.execute("""
        create or replace temp table key_hashes as
        with key_values as (
            select distinct 'email' as kind, email as value from typed where email is not null
            union
            select distinct 'phone', e164 from phone_forms where e164 is not null
            union
            select distinct 'platform', platform_id from typed where platform_id is not null
        )
        select kind, value, sha256(? || kind || ':' || value) as key_hash
        from key_values
    """, [secret.decode()])
    con.execute("""
        create or replace temp table keyed as
        select typed.* exclude (email, phone, platform_id),
               email_hash.key_hash as email_key,
               phone_hash.key_hash as phone_key,
               platform_hash.key_hash as platform_key
        from typed
        left join key_hashes as email_hash
            on email_hash.kind = 'email' and email_hash.value = typed.email
        left join phone_forms on phone_forms.raw = typed.phone
        left join key_hashes as phone_hash
            on phone_hash.kind = 'phone' and phone_hash.value = phone_forms.e164
        left join key_hashes as platform_hash
            on platform_hash.kind = 'platform' and platform_hash.value = typed.platform_id
    """)
    # the clear values are not needed past this point
    con.execute("drop table typed; drop table phone_forms; drop table key_hashes")


def _edges_sql() -> str:
    pairs = []
    for table in PERSON_TABLES:
        for i, left in enumerate(KEY_COLUMNS):
            for right in KEY_COLUMNS[i + 1:]:
                if table in ("checkins", "email_activity") and "platform_key" in (left, right):
                    continue
                if table == "email_activity" and "phone_key" in (left, right):
                    continue
                pairs.append(
                    f"select {left} as a, {right} as b from {table} "
                    f"where {left} is not null and {right} is not null"
                )
    return " union ".join(pairs)


def _keys_sql() -> str:
    parts = []
    for table in PERSON_TABLES:
        for column in KEY_COLUMNS:
            if table in ("checkins", "email_activity") and column == "platform_key":
                continue
            if table == "email_activity" and column == "phone_key":
                continue
            kind = column.removesuffix("_key")
            parts.append(f"select {column} as key_hash, '{kind}' as key_kind from {table} "
                         f"where {column} is not null")
    return " union ".join(parts)


def resolve_people(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild ``person_keys`` and ``people``: connected components of keys."""
    con.execute("create or replace temp table key_edges as "
                f"select distinct a, b from ({_edges_sql()})")
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
        changed = con.execute("""
            select count(*) from key_labels_next
            join key_labels using (key_hash)
            where key_labels_next.label <> key_labels.label
        """).fetchone()[0]
        con.execute("drop table key_labels; alter table key_labels_next rename to key_labels")
        if changed == 0:
            break
    con.execute("delete from person_keys")
    con.execute("""
        insert into person_keys
        select key_hash, key_kind, 'p' || left(label, 15) as person_id from key_labels
    """)
    con.execute("delete from people")
    con.execute("""
        insert into people
        select person_id, count(*) as count_keys, null as first_seen_at
        from person_keys group by person_id
    """)
    con.execute("drop table key_edges; drop table key_labels")
    return rounds
