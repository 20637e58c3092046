"""The funnel and the RSVP gap, the way a data-minded volunteer would compute them.

No Turnout here: pandas ``read_csv`` over the export files, ``groupby`` and merges.
People are matched as Turnout matches them (records sharing an email, a phone or a
platform id are one person, transitively), with a label propagation written in pandas.
The result has the shape of ``turnout report``'s ``funnel.interactions`` and ``events``
so the two can be compared number for number.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd


def _read(path: Path, **options) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, **options)


def _email(values: pd.Series) -> pd.Series:
    cleaned = values.str.strip().str.lower()
    return cleaned.where(cleaned != "")


def _phone(values: pd.Series) -> pd.Series:
    digits = values.str.replace(r"\D", "", regex=True).str[-10:]
    return ("+1" + digits).where(digits.str.len() == 10)


def _zoom(path: Path) -> tuple[str, pd.DataFrame]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    webinar = _read(io.StringIO("\n".join(lines[2:4])))["Webinar ID"].iloc[0]
    start = lines.index("Attendee Details") + 1
    return webinar, _read(io.StringIO("\n".join(lines[start:])))


def _records(folder: Path, calendar: pd.DataFrame) -> pd.DataFrame:
    """One row per registration or attendance record: event, keys, what it says."""
    by_id = {
        column: dict(zip(calendar[column], calendar["event_id"], strict=True))
        for column in ("eventbrite_event_id", "zoom_webinar_id", "mobilize_event_id")
    }
    parts = []
    for path in sorted(folder.glob("eventbrite_attendees_*.csv")):
        df = _read(path, encoding="utf-8-sig")
        status = df["Attendee Status"].str.strip().str.lower()
        parts.append(
            pd.DataFrame(
                {
                    "event_id": by_id["eventbrite_event_id"][path.stem.rsplit("_", 1)[1]],
                    "email": _email(df["Email"]),
                    "phone": None,
                    "user": None,
                    "registered": status != "not attending",
                    "marked": status == "checked in",
                    "came": status == "checked in",
                }
            )
        )
    for path in sorted(folder.glob("zoom_webinar_*.csv")):
        webinar, df = _zoom(path)
        parts.append(
            pd.DataFrame(
                {
                    "event_id": by_id["zoom_webinar_id"][webinar],
                    "email": _email(df["Email"]),
                    "phone": _phone(df["Phone"]),
                    "user": None,
                    "registered": True,
                    "marked": True,
                    "came": df["Attended"] == "Yes",
                }
            )
        )
    mobilize = folder / "mobilize_participations.csv"
    if mobilize.exists():
        df = _read(mobilize, encoding="utf-8-sig")
        parts.append(
            pd.DataFrame(
                {
                    "event_id": df["event_id"].map(by_id["mobilize_event_id"]),
                    "email": _email(df["user__email_address"]),
                    "phone": _phone(df["user__phone_number"]),
                    "user": "mobilize:" + df["user_id"],
                    "registered": df["status"] != "CANCELLED",
                    "marked": df["attended"].isin(["true", "false"]),
                    "came": df["attended"] == "true",
                }
            )
        )
    sheets = [_read(p, encoding="utf-8-sig") for p in folder.glob("signin_sheets.csv")]
    sheets += [
        _read(p, encoding="cp1252").rename(
            columns={"evenement_id": "event_id", "courriel": "email", "telephone": "phone"}
        )
        for p in sorted(folder.glob("feuille_presence_*.csv"))
    ]
    for df in sheets:
        parts.append(
            pd.DataFrame(
                {
                    "event_id": df["event_id"],
                    "email": _email(df["email"]),
                    "phone": _phone(df["phone"]),
                    "user": None,
                    "registered": False,
                    "marked": True,
                    "came": True,
                }
            )
        )
    petitions = folder / "petition_signatures.csv"
    if petitions.exists():  # signatures link an email to a phone, nothing else here
        df = _read(petitions, encoding="utf-8-sig")
        parts.append(
            pd.DataFrame(
                {
                    "event_id": None,
                    "email": _email(df["email"]),
                    "phone": _phone(df["phone"]),
                    "user": None,
                    "registered": False,
                    "marked": False,
                    "came": False,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _people(records: pd.DataFrame) -> pd.Series:
    """A person label per record: the smallest key of its connected keys."""
    keys = records[["email", "phone", "user"]]
    first = keys.bfill(axis=1)["email"]  # the record's first key; None when it has none
    edges = (
        pd.concat([pd.DataFrame({"a": first, "b": keys[column]}) for column in ("phone", "user")])
        .dropna()
        .drop_duplicates()
    )
    edges = pd.concat([edges, edges.rename(columns={"a": "b", "b": "a"})])
    label = pd.Series(pd.unique(pd.concat([edges["a"], first.dropna()])))
    label = pd.Series(label.values, index=label.values)
    while True:  # spread the smallest label along the edges until nothing changes
        best = edges.assign(label=edges["b"].map(label)).groupby("a")["label"].min()
        new = pd.concat([label, best]).groupby(level=0).min().reindex(label.index)
        if new.equals(label):
            break
        label = new
    return first.map(label)


def _events(folder: Path, calendar: pd.DataFrame) -> dict[str, dict]:
    records = _records(folder, calendar)
    records["person"] = _people(records)
    records = records[records["event_id"].notna()]
    known = records[records["person"].notna()]
    registered = known[known["registered"]].groupby("event_id")["person"].unique()
    came = known[known["came"]].groupby("event_id")["person"].unique()
    anonymous = records[records["person"].isna() & records["came"]].groupby("event_id").size()
    marked = records[records["marked"]].groupby("event_id").size()
    result = {}
    for event in calendar["event_id"]:
        who = set(registered.get(event, []))
        row = {"registered": len(who), "attendance_unknown": 0}
        if marked.get(event, 0):
            present, extra = set(came.get(event, [])), int(anonymous.get(event, 0))
            row |= {
                "attended": len(present) + extra,
                "no_show": len(who - present),
                "walk_ins": len(present - who) + extra,
                "show_up_rate": len(who & present) / len(who) if who else None,
            }
        else:
            row |= {
                "attended": None,
                "no_show": None,
                "walk_ins": None,
                "show_up_rate": None,
                "attendance_unknown": len(who),
            }
        result[event] = row | {"facebook_going": None, "facebook_interested": None}
    counts = folder / "facebook_event_counts.csv"
    if counts.exists():
        latest = _read(counts).sort_values("snapshot_at").groupby("event_id").tail(1)
        for row in latest.itertuples():
            result[row.event_id] |= {
                "facebook_going": int(row.going),
                "facebook_interested": int(row.interested),
            }
    return result


def _posts(folder: Path) -> tuple[int, int]:
    """(reach, engagement) of every post, from its latest export."""
    frames = []
    for path in sorted(folder.glob("facebook_posts_*.csv")):  # names sort by export date
        df = _read(path, encoding="utf-8-sig")
        frames.append(
            pd.DataFrame(
                {
                    "post": "fb" + df["Post ID"],
                    "reach": df["Reach"],
                    "engaged": df[["Reactions", "Comments", "Shares"]].astype(int).sum(axis=1),
                }
            )
        )
    for path in folder.glob("instagram_posts.csv"):
        df = _read(path, encoding="utf-8-sig")
        frames.append(
            pd.DataFrame(
                {
                    "post": "ig" + df["Post ID"],
                    "reach": df["Reach"],
                    "engaged": df[["Likes", "Comments", "Shares"]].astype(int).sum(axis=1),
                }
            )
        )
    for path in folder.glob("account_analytics_content_*.csv"):
        df = _read(path, encoding="utf-8-sig")
        numbers = df[["Impressions", "Likes", "Replies", "Reposts"]].apply(
            lambda c: c.str.replace(",", "").astype(int)
        )
        frames.append(
            pd.DataFrame(
                {
                    "post": "x" + df["Post id"],
                    "reach": numbers["Impressions"],
                    "engaged": numbers[["Likes", "Replies", "Reposts"]].sum(axis=1),
                }
            )
        )
    if not frames:
        return 0, 0
    posts = pd.concat(frames).groupby("post").tail(1)
    return int(posts["reach"].astype(int).sum()), int(posts["engaged"].sum())


def _emails(folder: Path) -> tuple[int, int]:
    """Distinct (address, email campaign) opens and clicks."""
    frames = []
    for path in folder.glob("mailchimp_activity_*.csv"):
        df = _read(path, usecols=["Email Address", "Action"])
        frames.append(
            pd.DataFrame(
                {
                    "email": _email(df["Email Address"]),
                    "action": df["Action"].str.strip().str.lower(),
                    "campaign": path.stem,
                }
            )
        )
    if not frames:
        return 0, 0
    distinct = pd.concat(frames).drop_duplicates().groupby("action").size()
    return int(distinct.get("open", 0)), int(distinct.get("click", 0))


def compute(folder: Path) -> dict:
    calendar = _read(folder / "events_calendar.csv", encoding="utf-8-sig")
    events = _events(folder, calendar)
    reach, engaged = _posts(folder)
    opens, clicks = _emails(folder)
    interested = sum(e["facebook_interested"] or 0 for e in events.values())
    return {
        "funnel": {
            "awareness": reach + opens,
            "engagement": engaged + clicks + interested,
            "action": sum(e["attended"] or 0 for e in events.values()),
        },
        "events": events,
    }


EVENT_FIELDS = (
    "registered",
    "attended",
    "no_show",
    "walk_ins",
    "attendance_unknown",
    "show_up_rate",
    "facebook_going",
    "facebook_interested",
)


def differences(pandas_result: dict, report: dict) -> list[str]:
    """Every number where the pandas way and ``turnout report`` disagree (empty: same)."""
    found = []
    for stage, value in pandas_result["funnel"].items():
        if report["funnel"]["interactions"][stage] != value:
            found.append(
                f"funnel {stage}: pandas {value}, turnout {report['funnel']['interactions'][stage]}"
            )
    got = {e["event_id"]: e for e in report["events"]}
    if set(got) != set(pandas_result["events"]):
        found.append("events: different event ids")
    for event, want in pandas_result["events"].items():
        for name in EVENT_FIELDS:
            mine, theirs = want.get(name), got.get(event, {}).get(name)
            same = (mine is None and theirs is None) or (
                mine is not None and theirs is not None and abs(mine - theirs) < 1e-9
            )
            if not same:
                found.append(f"{event} {name}: pandas {mine}, turnout {theirs}")
    return found
