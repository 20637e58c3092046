"""Sample campaign: the email list, the petitions and the paper sign-in sheets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from pipelines.sample.campaign import REFERENCE
from pipelines.sample.files import SECOND, Writer, cat, email_variants, phone_variants, when
from pipelines.sample.model import Outcome
from pipelines.sample.people import (
    CITIES,
    FIRST,
    HEARD_FROM,
    LAST,
    OFFLINE_CHANNEL,
    POSTAL,
    People,
)

ACTION_NETWORK_HEADER = (
    "uuid,first_name,last_name,email,zip_code,can2_user_address,can2_user_city,can2_user_state,"
    "can2_phone,can2_user_tags,can2_subscription_status,can2_sms_status"
)
MAILCHIMP_AUDIENCE_HEADER = (
    '"Email Address","First Name","Last Name","Ville","Langue",MEMBER_RATING,OPTIN_TIME,OPTIN_IP,'
    "CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,"
    "LEID,EUID,NOTES,TAGS"
)
MAILCHIMP_ACTIVITY_HEADER = '"Email Address","Action","Timestamp","URL"'
SIGNIN_HEADER = "event_id,name,email,phone,signed_in_at,heard_from"
SIGNIN_HEADER_FR = "evenement_id,nom,courriel,telephone,heure,source"
PETITION_HEADER = "petition_id,signed_at,name,email,phone"
LIST_OPENED = np.datetime64("2024-03-01T00:00", "s")
PETITION_OPENS = np.datetime64("2026-01-10T08:00", "s")
PETITION_EXPORTED = np.datetime64("2026-03-22T09:00", "s")
LINKS = np.array(
    [
        "https://bienvenue.example.org/agir",
        "https://bienvenue.example.org/evenements",
        "https://bienvenue.example.org/don",
    ]
)


def _spread(
    rng: np.random.Generator, start: np.datetime64, end: np.datetime64, n: int
) -> np.ndarray:
    span = int((end - start) / SECOND)
    return start + rng.integers(0, span, n) * SECOND


def write_audience(w: Writer, rng: np.random.Generator, people: People) -> np.ndarray:
    who = np.flatnonzero(people.subscribed)
    optin = _spread(rng, LIST_OPENED, REFERENCE - 86400 * SECOND, len(who))
    cols = {
        "email": people.email[who],
        "first": people.first[who],
        "last": people.last[who],
        "city": CITIES[people.city[who]],
        "lang": np.where(rng.random(len(who)) < 0.78, "Français", "English"),
        "rating": 1 + np.minimum((people.opener[who] * 7).astype(int), 4),
        "optin": optin,
        "confirm": optin + rng.integers(30, 4000, len(who)) * SECOND,
        "leid": 40_000_000 + who,
    }
    select = (
        "email, first, last, city, lang, rating, strftime(optin, '%Y-%m-%d %H:%M:%S'), null,"
        " strftime(confirm, '%Y-%m-%d %H:%M:%S'), null, null, null, -5, -4, "
        "'America/Toronto', 'CA', 'QC', strftime(confirm, '%Y-%m-%d %H:%M:%S'), leid, "
        "substr(md5('euid' || leid), 1, 10), null, null"
    )
    w.csv(
        "mailchimp_audience_subscribed.csv", MAILCHIMP_AUDIENCE_HEADER, cols, select, quote_all=True
    )
    joined = np.full(people.n, REFERENCE)
    joined[who] = optin
    return joined


def write_activity(
    w: Writer,
    rng: np.random.Generator,
    people: People,
    name: str,
    sent: np.datetime64,
    who: np.ndarray,
) -> None:
    """Opens (Apple Mail 'opens' nearly everything) and clicks, one row per action."""
    if not len(who):
        return
    click = rng.random(len(who)) < 0.10 * people.opener[who]
    opened = click | (rng.random(len(who)) < np.where(people.apple[who], 0.95, people.opener[who]))
    again = opened & (rng.random(len(who)) < 0.25)
    rows = np.concatenate([who[opened], who[again], who[click]])
    action = np.repeat(["open", "open", "click"], [opened.sum(), again.sum(), click.sum()])
    delay = rng.exponential(6 * 3600, len(rows)) + np.where(action == "click", 120, 0)
    delay[opened.sum() : opened.sum() + again.sum()] += rng.exponential(86400, again.sum())
    at = sent + delay.astype(np.int64) * SECOND
    order = np.argsort(at, kind="stable")
    url = np.where(action == "click", LINKS[rng.integers(len(LINKS), size=len(rows))], "")
    w.csv(
        f"mailchimp_activity_{name}.csv",
        MAILCHIMP_ACTIVITY_HEADER,
        {"e": people.email[rows][order], "a": action[order], "t": when(at[order]), "u": url[order]},
        "e, a, strftime(t, '%Y-%m-%d %H:%M:%S'), nullif(u, '')",
        quote_all=True,
    )


def write_mailchimp(
    w: Writer, rng: np.random.Generator, people: People, outcomes: Sequence[Outcome]
) -> None:
    joined = write_audience(w, rng, people)
    for month in np.arange(np.datetime64("2025-11"), np.datetime64("2026-11")):
        sent = month.astype("datetime64[D]") + np.timedelta64(4, "D") + np.timedelta64(10, "h")
        sent = sent.astype("datetime64[s]")
        who = np.flatnonzero(people.subscribed & (joined < sent))
        write_activity(w, rng, people, f"infolettre-{month}", sent, who)
    for o in outcomes:  # the reminder events' reminder emails, two days before
        sent = (
            o.event.start.astype("datetime64[D]") - np.timedelta64(2, "D") + np.timedelta64(10, "h")
        ).astype("datetime64[s]")
        if o.event.reminder and sent < REFERENCE:
            who = o.who[~o.cancelled & people.has_email[o.who]]
            write_activity(w, rng, people, f"rappel-{o.event.event_id}", sent, who)


def write_action_network(w: Writer, rng: np.random.Generator, people: People) -> None:
    """The online petition "Ouvrons nos portes", exported from Action Network."""
    chance = np.where(OFFLINE_CHANNEL[people.channel], 0.15, 0.35) * people.has_email
    who = np.flatnonzero(rng.random(people.n) < chance)
    phone = np.where(
        rng.random(len(who)) < 0.3,
        phone_variants(rng, people.phone_area[who], people.phone_line[who]),
        "",
    )
    cols = {
        "p": who,
        "first": people.first[who],
        "last": people.last[who],
        "email": email_variants(rng, people.email[who], 0.04),
        "zip": cat(
            POSTAL[people.city[who]],
            " ",
            rng.integers(1, 9, len(who)),
            "A",
            rng.integers(1, 9, len(who)),
        ),
        "city": CITIES[people.city[who]],
        "phone": phone,
        "sub": np.where(rng.random(len(who)) < 0.9, "subscribed", "unsubscribed"),
    }
    uuid = (
        "regexp_replace(md5('an' || p), '^(.{8})(.{4})(.{4})(.{4})(.{12})$', '\\1-\\2-\\3-\\4-\\5')"
    )
    select = (
        f"{uuid}, first, last, email, zip, null, city, 'QC', nullif(phone, ''), null, sub, "
        "'unsubscribed'"
    )
    w.csv(
        "export-2026-03-22-csv_report_332566_1774185600.csv",
        ACTION_NETWORK_HEADER,
        cols,
        select,
        mtime=PETITION_EXPORTED,
    )


def _sheet_rows(rng: np.random.Generator, o: Outcome, people: People) -> dict[str, np.ndarray]:
    """Who signed the paper sheet at one event, and what they wrote."""
    everyone = not o.event.marked  # no attendance in Mobilize: the sheet went round the room
    signed = o.came & (everyone | (rng.random(len(o.who)) < 0.4))
    who = np.concatenate([o.who[signed], o.walk_ins])
    walk = np.concatenate([np.zeros(signed.sum(), bool), np.ones(len(o.walk_ins), bool)])
    gives_email = people.has_email[who] & (rng.random(len(who)) < np.where(walk, 0.75, 0.9))
    gives_phone = people.has_phone[who] & ((rng.random(len(who)) < 0.6) | ~gives_email)
    heard = np.where(rng.random(len(who)) < 0.85, HEARD_FROM[people.channel[who]], "")
    anon = o.anonymous
    anon_heard = np.where(
        rng.random(anon) < 0.7, HEARD_FROM[rng.choice([4, 5, 6, 7, 0], size=anon)], ""
    )
    name = np.concatenate(
        [
            cat(people.first[who], " ", people.last[who]),
            cat(
                np.array(FIRST)[rng.integers(len(FIRST), size=anon)],
                " ",
                np.array(LAST)[rng.integers(len(LAST), size=anon)],
            ),
        ]
    )
    email = np.concatenate(
        [np.where(gives_email, email_variants(rng, people.email[who], 0.2), ""), np.full(anon, "")]
    )
    phone = np.concatenate(
        [
            np.where(
                gives_phone, phone_variants(rng, people.phone_area[who], people.phone_line[who]), ""
            ),
            np.full(anon, ""),
        ]
    )
    n = len(name)
    at = o.event.start + (rng.normal(-5, 12, n) * 60).astype(np.int64) * SECOND
    order = np.argsort(at, kind="stable")
    return {
        "event": np.full(n, o.event.event_id),
        "name": name[order],
        "email": email[order],
        "phone": phone[order],
        "ts": when(at[order]),
        "heard": np.concatenate([heard, anon_heard])[order],
        "person": np.concatenate([who, np.full(anon, -1)])[order],
    }


def write_signins(
    w: Writer, rng: np.random.Generator, people: People, outcomes: Sequence[Outcome]
) -> list[dict[str, np.ndarray]]:
    english, sheets = [], []
    for o in outcomes:
        if o.event.online or not o.event.past:
            continue
        rows = _sheet_rows(rng, o, people)
        sheets.append(rows)
        if o.event.french_sheet:  # typed into the French template in Excel on Windows
            w.csv(
                f"feuille_presence_{o.event.event_id}.csv",
                SIGNIN_HEADER_FR,
                {k: rows[k] for k in ("event", "name", "email", "phone", "ts", "heard")},
                "event, name, nullif(email, ''), nullif(phone, ''), strftime(ts, '%H:%M'), "
                "nullif(heard, '')",
                encoding="cp1252",
                crlf=True,
            )
        else:
            english.append(rows)
    cols = {
        k: np.concatenate([r[k] for r in english])
        for k in ("event", "name", "email", "phone", "ts", "heard")
    }
    w.csv(
        "signin_sheets.csv",
        SIGNIN_HEADER,
        cols,
        "event, name, nullif(email, ''), nullif(phone, ''), strftime(ts, '%Y-%m-%d %H:%M'), "
        "nullif(heard, '')",
    )
    return sheets


def write_paper_petition(
    w: Writer, rng: np.random.Generator, sheets: Sequence[Mapping[str, np.ndarray]]
) -> None:
    """A paper petition passed round at the rallies and vigils, typed in afterwards."""
    cols: dict[str, list[np.ndarray]] = {"name": [], "email": [], "phone": [], "ts": []}
    for rows in sheets:
        # the form asks for an email or a phone: nobody signs with a name alone
        sign = (rng.random(len(rows["name"])) < 0.3) & (
            (rows["email"] != "") | (rows["phone"] != "")
        )
        for key in ("name", "email", "phone"):
            cols[key].append(rows[key][sign])
        cols["ts"].append(rows["ts"][sign] + rng.integers(1800, 5400, int(sign.sum())) * SECOND)
    merged = {k: np.concatenate(v) for k, v in cols.items()}
    merged["ts"] = when(merged["ts"])
    w.csv(
        "petition_signatures.csv",
        PETITION_HEADER,
        merged,
        "'petition-papier-2026', strftime(ts, '%Y-%m-%d %H:%M'), name, nullif(email, ''), "
        "nullif(phone, '')",
    )


def write_lists(
    w: Writer, rng: np.random.Generator, people: People, outcomes: Sequence[Outcome]
) -> None:
    """The email list and its activity, the online petition, the sheets, the paper petition."""
    write_mailchimp(w, rng, people, outcomes)
    write_action_network(w, rng, people)
    sheets = write_signins(w, rng, people, outcomes)
    write_paper_petition(w, rng, sheets)
