"""The sample's event files: the calendar, the Facebook counts, Eventbrite, Zoom, Mobilize.

Each writer builds numpy columns for one file and lets DuckDB's COPY write the CSV
body (quoting only where needed, as the platforms do); exact headers, preambles,
BOMs and encodings are added around it. Loops run over events and files, never rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from pipelines.sample.campaign import CAMPAIGN, REFERENCE, Event
from pipelines.sample.files import SECOND, Writer, cat, email_variants, phone_variants, when
from pipelines.sample.model import Outcome
from pipelines.sample.people import CITIES, FIRST, HEARD_FROM, LAST, POSTAL, UTM_SOURCE, People

CALENDAR_HEADER = (
    "event_id,name,starts_at,kind,campaign,online,reminder_sent,eventbrite_event_id,"
    "zoom_webinar_id,mobilize_event_id,facebook_event_url"
)
EVENTBRITE_HEADER = (
    "Order #,Order Date,First Name,Last Name,Email,Quantity,Price Tier,Ticket Type,Attendee #,"
    "Group,Order Type,Currency,Total Paid,Fees Paid,Eventbrite Fees,Eventbrite Payment Processing,"
    "Attendee Status,Home Address 1,Home Address 2,Home City,Home State,Home Zip,Home Country,"
    "How did you hear about this event?,Job Title,Company"
)
ZOOM_ATTENDEE_HEADER = (
    "Attended,User Name (Original Name),First Name,Last Name,Email,Phone,Registration Time,"
    "Approval Status,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name"
)
ZOOM_HOST_HEADER = (
    "Attended,User Name (Original Name),Email,Join Time,Leave Time,"
    "Time in Session (minutes),Is Guest,Country/Region Name"
)
MOBILIZE_HEADER = (
    "id,created_date,user_id,user__given_name,user__family_name,user__email_address,"
    "user__phone_number,user__postal_code,event_id,timeslot_id,status,attended,"
    "experience_feedback_type,referrer__utm_source,referrer__utm_medium,referrer__utm_campaign,"
    "referrer__url,event_type_name"
)
FACEBOOK_COUNTS_HEADER = "event_id,snapshot_at,going,interested"


def write_calendar(w: Writer, rng: np.random.Generator, events: Sequence[Event]) -> dict[str, str]:
    fb_ids = (rng.permutation(900) + 100).astype(str)
    urls = {
        e.event_id: f"https://www.facebook.com/events/1047{fb_ids[i]}20{i:02d}6/"
        for i, e in enumerate(events)
        if not e.online
    }
    cols = {
        "event_id": [e.event_id for e in events],
        "name": [e.name for e in events],
        "starts_at": when([e.start for e in events]),
        "kind": [e.kind for e in events],
        "campaign": [CAMPAIGN] * len(events),
        "online": [str(e.online).lower() for e in events],
        "reminder": [str(e.reminder).lower() for e in events],
        "eb": [e.platform_id if e.platform == "eventbrite" else "" for e in events],
        "zoom": [e.platform_id if e.platform == "zoom" else "" for e in events],
        "mob": [e.platform_id if e.platform == "mobilize" else "" for e in events],
        "fb": [urls.get(e.event_id, "") for e in events],
    }
    select = (
        "event_id, name, strftime(starts_at, '%Y-%m-%d %H:%M') as starts_at, kind, campaign,"
        " online, reminder, nullif(eb, ''), nullif(zoom, ''), nullif(mob, ''), "
        "nullif(fb, '')"
    )
    w.csv("events_calendar.csv", CALENDAR_HEADER, cols, select)
    return urls


def write_facebook_counts(
    w: Writer, rng: np.random.Generator, outcomes: Sequence[Outcome], urls: Mapping[str, str]
) -> None:
    """Going/interested copied by hand from the event page, growing toward the event."""
    days = np.array([-28, -21, -14, -7, -2, 0])
    share = np.array([0.25, 0.40, 0.55, 0.75, 0.92, 1.0])
    ids, at, going, interested = [], [], [], []
    for o in outcomes:
        if o.event.event_id not in urls:
            continue
        expected = o.attendance if o.event.past else 0.95 * len(o.who)
        final_going = expected / rng.uniform(0.3, 0.6)
        final_interested = expected / rng.uniform(0.03, 0.09)
        morning = o.event.start.astype("datetime64[D]").astype("datetime64[s]")
        taken = morning + (days * 86400 + rng.integers(8 * 3600, 22 * 3600, 6)) * SECOND
        keep = taken < REFERENCE
        noise = rng.uniform(0.93, 1.0, 6)
        ids += [o.event.event_id] * int(keep.sum())
        at.append(taken[keep])
        going.append(np.maximum.accumulate(np.round(final_going * share * noise))[keep])
        interested.append(np.maximum.accumulate(np.round(final_interested * share * noise))[keep])
    w.csv(
        "facebook_event_counts.csv",
        FACEBOOK_COUNTS_HEADER,
        {
            "e": ids,
            "t": when(np.concatenate(at)),
            "g": np.concatenate(going).astype(np.int64),
            "i": np.concatenate(interested).astype(np.int64),
        },
        "e, strftime(t, '%Y-%m-%d %H:%M'), g, i",
    )


def write_eventbrite(w: Writer, rng: np.random.Generator, o: Outcome, people: People) -> None:
    """One row per ticket; buyers of 2-3 tickets repeat their email on each row."""
    n = len(o.who)
    quantity = np.choose(rng.choice(3, size=n, p=[0.9, 0.07, 0.03]), [1, 2, 3])
    row = np.repeat(np.arange(n), quantity)
    guest = np.concatenate([[False], row[1:] == row[:-1]]) if len(row) else row.astype(bool)
    who = o.who[row]
    series = int(o.event.platform_id[-2:])
    status = np.where(o.cancelled, "Not Attending", np.where(o.came, "Checked In", "Attending"))
    if o.event.platform_id.endswith("22"):  # one export came out in upper case
        status = np.char.upper(status)
    first = np.where(
        guest, np.array(FIRST)[rng.integers(len(FIRST), size=len(row))], people.first[who]
    )
    last = np.where(guest, np.array(LAST)[rng.integers(len(LAST), size=len(row))], people.last[who])
    cols = {
        # Eventbrite's order and attendee numbers are unique across all events
        "order": (3_000_000_000 + series * 10**8 + np.arange(n) * 7)[row],
        "ordered": when(o.registered_at)[row],
        "first": first,
        "last": last,
        "email": email_variants(rng, people.email[o.who], 0.08)[row],
        "qty": quantity[row],
        "attendee": 200_000_000_000 + series * 10**9 + np.arange(len(row)) * 7,
        "status": status[row],
        "city": CITIES[people.city[who]],
        "heard": np.array(HEARD_FROM)[people.channel[who]],
    }
    select = (
        "\"order\", strftime(ordered, '%m/%d/%y %H:%M'), first, last, email, qty, null, "
        "'Admission générale', attendee, null, 'Free Order', 'CAD', '0.00', '0.00', "
        "'0.00', '0.00', status, null, null, city, 'QC', null, 'CA', heard, null, null"
    )
    w.csv(f"eventbrite_attendees_{o.event.platform_id}.csv", EVENTBRITE_HEADER, cols, select)


def write_zoom(w: Writer, rng: np.random.Generator, o: Outcome, people: People) -> None:
    """Stacked sections; no-shows say No and `--`; a rejoin is an extra row."""
    e = o.event
    keep = ~o.cancelled
    who, came, registered = o.who[keep], o.came[keep], o.registered_at[keep]
    join = e.start + (np.clip(rng.normal(3, 6, len(who)), -10, 40) * 60).astype(np.int64) * SECOND
    minutes = np.clip(rng.exponential(50, len(who)), 3, 85)
    leave = join + (minutes * 60).astype(np.int64) * SECOND
    rejoin = came & (rng.random(len(who)) < 0.12)
    split = join + ((leave - join) * 0.4).astype("timedelta64[s]")
    order = np.concatenate([np.arange(len(who)), np.flatnonzero(rejoin)])
    order.sort(kind="stable")
    second = np.concatenate([[False], order[1:] == order[:-1]]) if len(order) else order > 0
    first_of_two = rejoin[order] & ~second
    j = np.where(second, split[order] + 90 * SECOND, join[order])
    lv = np.where(first_of_two, split[order], leave[order])
    attended = came[order]
    cols = {
        "att": np.where(attended, "Yes", "No"),
        "uname": cat(people.first[who], " ", people.last[who])[order],
        "first": people.first[who][order],
        "last": people.last[who][order],
        "email": people.email[who][order],
        "reg": when(registered)[order],
        "j": when(j),
        "l": when(lv),
        "attended": attended,
        "mins": np.ceil((lv - j) / np.timedelta64(60, "s")).astype(np.int64),
    }
    fmt = "'%m/%d/%Y %I:%M:%S %p'"
    select = (
        f"att, uname, first, last, email, null, strftime(reg, {fmt}), 'approved', "
        f"if(attended, strftime(j, {fmt}), '--'), if(attended, strftime(l, {fmt}), '--'), "
        "if(attended, mins::varchar, '--'), 'Yes', 'Canada'"
    )
    start = e.start.astype("datetime64[s]").item()
    generated = (e.start + 3 * 3600 * SECOND).astype("datetime64[s]").item()
    unique = int(came.sum())
    preamble = (
        "Attendee Report\n"
        f'Report Generated:,"{generated:%b %d, %Y} {generated:%I:%M %p}"\n'
        "Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,# Cancelled,"
        "Unique Viewers,Total Users,Max Concurrent Views\n"
        f'"{e.name}",{e.platform_id},"{start:%b %d, %Y %H:%M:%S}",90,{len(o.who)},'
        f"{int(o.cancelled.sum())},{unique},{len(order)},{int(unique * 0.86)}\n"
        f"Host Details\n{ZOOM_HOST_HEADER}\n"
        f'Yes,Bienvenue aux réfugiés,hote@example.org,"{start:%b %d, %Y %H:%M:%S}",'
        f'"{start:%b %d, %Y} 20:35:12",95,No,Canada\n'
        f"Panelist Details\n{ZOOM_HOST_HEADER}\n"
        f'Yes,Hélène Bélanger,helene.belanger@example.org,"{start:%b %d, %Y %H:%M:%S}",'
        f'"{start:%b %d, %Y} 20:31:40",92,No,Canada\n'
        "Attendee Details\n"
    )
    w.csv(
        f"zoom_webinar_{e.platform_id}.csv", ZOOM_ATTENDEE_HEADER, cols, select, preamble=preamble
    )


def write_mobilize(
    w: Writer, rng: np.random.Generator, outcomes: Sequence[Outcome], people: People
) -> None:
    parts = []
    for o in outcomes:
        e = o.event
        n = len(o.who)
        status = np.where(
            o.cancelled, "CANCELLED", np.where(rng.random(n) < 0.4, "CONFIRMED", "REGISTERED")
        )
        attended = np.where(o.came, "true", "false") if e.past and e.marked else np.full(n, "")
        attended = np.where(o.cancelled, "", attended)
        phone = np.where(
            rng.random(n) < 0.6,
            phone_variants(rng, people.phone_area[o.who], people.phone_line[o.who]),
            "",
        )
        parts.append(
            {
                "created": o.registered_at.astype(np.int64),
                "user": people.user_id[o.who],
                "given": people.first[o.who],
                "family": people.last[o.who],
                "email": people.email[o.who],
                "phone": phone,
                "postal": cat(
                    POSTAL[people.city[o.who]],
                    " ",
                    rng.integers(1, 9, n),
                    "Y",
                    rng.integers(1, 9, n),
                ),
                "event": np.full(n, e.platform_id),
                "slot": np.full(n, e.platform_id + "01"),
                "status": status,
                "attended": attended,
                "feedback": np.where(o.came & (rng.random(n) < 0.2), "POSITIVE", ""),
                "utm": UTM_SOURCE[people.channel[o.who]],
                "type": np.full(n, "TRAINING" if e.kind == "workshop" else "RALLY"),
            }
        )
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    cols = {"id": 88_000_001 + np.arange(len(cols["user"])), **cols}
    select = (
        "id, created, \"user\", given, family, email, nullif(phone, ''), postal, event, "
        "slot, "
        "status, nullif(attended, ''), nullif(feedback, ''), nullif(utm, ''), "
        "case utm when 'email' then 'email' when 'flyer' then 'print' when '' then null "
        "else 'social' end, if(utm = '', null, 'bienvenue-2026'), null, type"
    )
    w.csv("mobilize_participations.csv", MOBILIZE_HEADER, cols, select)


def write_events(
    w: Writer, rng: np.random.Generator, people: People, outcomes: Sequence[Outcome]
) -> None:
    """The calendar and the Facebook counts, then each event's platform export."""
    events = [o.event for o in outcomes]
    urls = write_calendar(w, rng, events)
    write_facebook_counts(w, rng, outcomes, urls)
    for o in outcomes:
        if o.event.platform == "eventbrite":
            write_eventbrite(w, rng, o, people)
        elif o.event.platform == "zoom" and o.event.past:  # Zoom reports exist after the webinar
            write_zoom(w, rng, o, people)
    write_mobilize(w, rng, [o for o in outcomes if o.event.platform == "mobilize"], people)
