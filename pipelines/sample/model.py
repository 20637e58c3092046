"""The campaign model of the sample: people, events, who registers and who shows up.

The writers beside this module (``events``, ``lists``, ``posts``) write it out as the
files campaigns really download; they import this model and nothing else of each other.
Everything is drawn from one seeded generator with numpy arrays (no loop over
people or rows; loops over events and files only), so the same seed gives the same
bytes, and ``--people`` scales every per-person file linearly up to tens of millions
of interactions. The effects and their sizes are documented in sample_data/README.md
and kept in ``EFFECTS`` so tests and the README read the same numbers.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TypedDict

import numpy as np

CAMPAIGN = "Bienvenue aux réfugiés"
REFERENCE = np.datetime64("2026-11-01T09:00", "s")  # "today" for the campaign: never the clock
DEFAULT_PEOPLE = 3000
DEFAULT_SEED = 2026
BASE_PEOPLE = 3000  # event sizes below are for this many people and scale linearly

FIRST = ["Hélène", "Émilie", "Geneviève", "Chloé", "Léa", "Zoé", "Anaïs", "Mélanie", "Josée",
         "Noémie", "François", "Jérôme", "Sébastien", "Frédéric", "André", "Benoît", "Étienne",
         "Raphaël", "Gaétan", "Stéphane", "Marie", "Julie", "Sophie", "Isabelle", "Nathalie",
         "Luc", "Marc", "Pierre", "Louis", "Samuel", "Sarah", "Emily", "Jessica", "Michael",
         "David", "James", "Amina", "Fatima", "Omar", "Youssef", "Aïcha", "Mariam", "Nour",
         "Ahmad", "Kiran", "Mei", "Olena", "Daniel", "Grace", "Kevin"]
LAST = ["Gagné", "Bélanger", "Côté", "Lévesque", "Bédard", "Gélinas", "Pelletier", "Bouchard",
        "Tremblay", "Roy", "Gauthier", "Morin", "Lavoie", "Fortin", "Ouellet", "Thériault",
        "Béliveau", "Després", "Caron", "Paré", "Boucher", "Léger", "Côté-Martin", "St-Pierre",
        "Smith", "Brown", "Wilson", "MacDonald", "Taylor", "O'Brien", "Nguyen", "Haddad",
        "Diallo", "Mansour", "Khalil", "Rahman", "Kovalenko", "Chen", "Singh", "Joseph"]
CITIES = np.array(["Montréal", "Québec", "Gatineau"])
CITY_SHARE = [0.6, 0.25, 0.15]
AREA_CODES = np.array(["514", "438", "450", "579", "418", "581", "367", "819", "873", "468"])
POSTAL = np.array(["H2X", "G1R", "J8X"])  # forward sortation area per city

# How people first heard of the campaign; decides where they register from and how
# reliably they come (EFFECTS["channel"]).
CHANNELS = np.array(["facebook", "instagram", "x", "email", "ami", "flyer", "radio",
                     "eglise_mosquee"])
CHANNEL_SHARE = [0.30, 0.12, 0.05, 0.20, 0.12, 0.09, 0.04, 0.08]
OFFLINE_CHANNEL = np.array([False, False, False, False, True, True, True, True])
HEARD_FROM = np.array(["Facebook", "Instagram", "X", "courriel", "ami", "flyer", "radio",
                       "église/mosquée"])
UTM_SOURCE = np.array(["facebook", "instagram", "twitter", "email", "", "flyer", "", ""])


class Effects(TypedDict):
    base: dict[str, float]  # by kind of event
    lead_per_doubling: float
    reminder: float
    weekday: dict[str, float]
    past_attended_1: float
    past_attended_3: float
    channel: dict[str, float]


# Effects on the log-odds of showing up, for a registered person. Documented in the README.
EFFECTS: Effects = {
    "base": {"rally": 0.55, "vigil": 0.70, "workshop": 0.55, "webinar": -0.80},
    "lead_per_doubling": -0.20,  # × log2(1 + days between registration and event)
    "reminder": 0.70,
    "weekday": {"weekend": 0.30, "friday": -0.35, "other": 0.0},
    "past_attended_1": 0.60,  # came to at least one earlier event
    "past_attended_3": 0.40,  # and again, from the third one on
    "channel": {"facebook": -0.55, "instagram": -0.55, "x": -0.55, "email": 0.0, "ami": 0.50,
                "flyer": 0.50, "radio": 0.50, "eglise_mosquee": 0.50},
}
# Registration propensity by channel: social-media people rarely commit (FORMATS.md:
# about 1.7% of online members ever act offline).
REGISTER_WEIGHT = np.array([0.35, 0.35, 0.30, 1.0, 1.6, 1.4, 1.2, 1.6])
WALK_IN_WEIGHT = np.array([0.2, 0.2, 0.2, 0.6, 3.0, 3.0, 2.0, 3.0])
CANCEL_RATE = {"eventbrite": 0.05, "mobilize": 0.08, "zoom": 0.04}
WALK_IN_RATIO = {"rally": 0.30, "vigil": 0.50, "workshop": 0.10, "webinar": 0.0}
ANONYMOUS_SHARE = 0.15  # walk-ins who write a name and nothing else


@dataclass(frozen=True)
class Event:
    event_id: str
    name: str
    starts_at: str
    kind: str
    city: int  # index in CITIES; -1 online
    platform: str  # eventbrite | mobilize | zoom
    reminder: bool
    size: int  # registrations expected for BASE_PEOPLE people
    platform_id: str
    marked: bool = True  # Mobilize: did the organiser mark attendance?
    french_sheet: bool = False  # its sign-in sheet was typed in the French template

    @property
    def start(self) -> np.datetime64:
        return np.datetime64(self.starts_at, "s")

    @property
    def online(self) -> bool:
        return self.kind == "webinar"

    @property
    def past(self) -> bool:
        return bool(self.start < REFERENCE)


def _ev(day: str, time: str, kind: str, city: int, platform: str, reminder: bool, size: int,
        name: str, pid: str, **kw: bool) -> Event:
    return Event(f"{day}-{kind}-{['mtl', 'qc', 'gat', 'web'][city]}", name, f"{day}T{time}",
                 kind, city, platform, reminder, size, pid, **kw)


EVENTS = [
    _ev("2025-11-22", "13:00", "rally", 0, "eventbrite", True, 170,
        "Rassemblement « Bienvenue aux réfugiés » — Montréal", "1186234500011"),
    _ev("2025-12-10", "19:00", "webinar", -1, "zoom", True, 130,
        "Webinaire : parrainer une famille réfugiée", "84150012201"),
    _ev("2025-12-18", "18:00", "vigil", 1, "mobilize", False, 60,
        "Vigile — Journée internationale des migrants (Québec)", "604101", marked=False),
    _ev("2026-01-21", "12:00", "webinar", -1, "zoom", False, 110,
        "Webinar: Refugee rights 101", "84150012202"),
    _ev("2026-02-07", "13:00", "rally", 2, "eventbrite", False, 90,
        "Rassemblement — Gatineau accueille", "1186234500022"),
    _ev("2026-02-25", "19:00", "webinar", -1, "zoom", True, 120,
        "Webinaire : le système d'asile expliqué", "84150012203"),
    _ev("2026-03-14", "10:00", "workshop", 0, "mobilize", True, 45,
        "Atelier d'activisme numérique", "604102"),
    _ev("2026-03-21", "14:00", "rally", 0, "eventbrite", True, 190,
        "Marche contre le racisme — Montréal", "1186234500033"),
    _ev("2026-04-16", "19:30", "vigil", 0, "mobilize", False, 70,
        "Vigile aux chandelles — Montréal", "604103"),
    _ev("2026-05-13", "12:00", "webinar", -1, "zoom", False, 100,
        "Webinar: How to welcome newcomers in your town", "84150012204"),
    _ev("2026-06-20", "11:00", "rally", 1, "eventbrite", True, 120,
        "Journée mondiale des réfugiés — Québec", "1186234500044"),
    _ev("2026-06-20", "20:00", "vigil", 2, "mobilize", False, 40,
        "Vigile — Journée mondiale des réfugiés (Gatineau)", "604104", marked=False,
        french_sheet=True),
    _ev("2026-07-09", "19:00", "webinar", -1, "zoom", True, 90,
        "Webinaire : écrire à son député", "84150012205"),
    _ev("2026-08-28", "19:00", "vigil", 0, "mobilize", True, 55,
        "Vigile de fin d'été — Montréal", "604105"),
    _ev("2026-09-16", "19:00", "webinar", -1, "zoom", False, 110,
        "Webinar: Private sponsorship, step by step", "84150012206"),
    _ev("2026-09-26", "13:00", "rally", 0, "eventbrite", False, 160,
        "Rassemblement de la rentrée — Montréal", "1186234500055"),
    _ev("2026-10-08", "12:00", "webinar", -1, "zoom", True, 120,
        "Webinaire : bilan et prochaines étapes", "84150012207"),
    _ev("2026-10-17", "18:00", "vigil", 1, "mobilize", True, 50,
        "Vigile — Québec solidaire des personnes réfugiées", "604106", french_sheet=True),
    _ev("2026-11-14", "13:00", "rally", 0, "eventbrite", True, 180,
        "Grand rassemblement d'automne — Montréal", "1186234500066"),
    _ev("2026-11-18", "19:00", "webinar", -1, "zoom", True, 110,
        "Webinaire : préparer l'hiver avec les familles accueillies", "84150012208"),
    _ev("2026-12-10", "18:30", "vigil", 0, "mobilize", False, 65,
        "Vigile — Journée des droits de la personne", "604107"),
]


@dataclass
class People:
    n: int
    first: np.ndarray
    last: np.ndarray
    email: np.ndarray  # '' when the person gave none
    phone_area: np.ndarray  # '' when no phone
    phone_line: np.ndarray
    city: np.ndarray
    channel: np.ndarray
    activity: np.ndarray
    subscribed: np.ndarray  # on the Mailchimp list
    opener: np.ndarray  # probability of opening an email
    apple: np.ndarray  # Apple Mail Privacy Protection: "opens" everything
    user_id: np.ndarray  # Mobilize
    attended: np.ndarray  # events attended so far (filled in order)

    @property
    def has_email(self) -> np.ndarray:
        return self.email != ""

    @property
    def has_phone(self) -> np.ndarray:
        return self.phone_area != ""


@dataclass
class Outcome:
    """One event's registrations and attendance."""

    event: Event
    who: np.ndarray  # person index per registration
    registered_at: np.ndarray  # datetime64[s]
    lead_days: np.ndarray
    cancelled: np.ndarray
    came: np.ndarray  # False for no-shows and for events still to come
    walk_ins: np.ndarray  # person index of identified walk-ins
    anonymous: int  # walk-ins with a name only

    @property
    def attendance(self) -> int:
        return int(self.came.sum()) + len(self.walk_ins) + self.anonymous


def _ascii(words: list[str]) -> np.ndarray:
    plain = ["".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
             for w in words]
    return np.array([p.lower().replace("'", "").replace(" ", "") for p in plain])


def make_people(rng: np.random.Generator, n: int) -> People:
    fi, li = rng.integers(len(FIRST), size=n), rng.integers(len(LAST), size=n)
    first, last = np.array(FIRST)[fi], np.array(LAST)[li]
    number = rng.permutation(n).astype(str)  # unique, so emails never collide
    domain = np.where(rng.random(n) < 0.5, "@example.org", "@example.com")
    email = cat(_ascii(FIRST)[fi], ".", _ascii(LAST)[li], number, domain)
    channel = rng.choice(len(CHANNELS), size=n, p=CHANNEL_SHARE)
    offline = OFFLINE_CHANNEL[channel]
    has_email = rng.random(n) < np.where(offline, 0.70, 0.97)
    email = np.where(has_email, email, "")
    # Fictional numbers only (555-0100..0199): 1,000 exist, so at most 1,000 people have
    # one; people without email get theirs first, then offline-channel people.
    wants_phone = ~has_email | (rng.random(n) < np.where(offline, 0.6, 0.15))
    order = np.lexsort((rng.random(n), has_email, ~wants_phone))
    pool = rng.permutation(len(AREA_CODES) * 100)[: min(n, len(AREA_CODES) * 100)]
    phone_area, phone_line = np.full(n, "", dtype="<U3"), np.full(n, "", dtype="<U4")
    lucky = order[: min(int(wants_phone.sum()), len(pool))]
    phone_area[lucky] = AREA_CODES[pool[: len(lucky)] // 100]
    phone_line[lucky] = np.char.add("01", np.char.zfill((pool[: len(lucky)] % 100).astype(str), 2))
    subscribed = has_email & (rng.random(n) < np.where(offline, 0.55, 0.85))
    return People(
        n=n, first=first, last=last, email=email, phone_area=phone_area, phone_line=phone_line,
        city=rng.choice(3, size=n, p=CITY_SHARE), channel=channel,
        activity=rng.lognormal(0.0, 1.0, size=n), subscribed=subscribed,
        opener=rng.beta(2.0, 3.5, size=n), apple=rng.random(n) < 0.25,
        user_id=(7_000_000 + rng.permutation(n) * 3).astype(str),
        attended=np.zeros(n, dtype=np.int32),
    )


def cat(*parts: object) -> np.ndarray:
    """Text columns joined element by element (numbers written as text)."""
    out = np.asarray(parts[0]).astype(str)
    for part in parts[1:]:
        out = np.char.add(out, np.asarray(part).astype(str))
    return out


def weekday_effect(start: np.datetime64) -> float:
    weekday = (start.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 0 = Monday
    if weekday >= 5:
        return EFFECTS["weekday"]["weekend"]
    return EFFECTS["weekday"]["friday"] if weekday == 4 else EFFECTS["weekday"]["other"]


def show_up_logit(event: Event, people: People, who: np.ndarray, lead: np.ndarray) -> np.ndarray:
    channel_effect = np.array([EFFECTS["channel"][c] for c in CHANNELS])
    past = people.attended[who]
    return (EFFECTS["base"][event.kind] + EFFECTS["lead_per_doubling"] * np.log2(1 + lead)
            + EFFECTS["reminder"] * event.reminder + weekday_effect(event.start)
            + EFFECTS["past_attended_1"] * (past >= 1) + EFFECTS["past_attended_3"] * (past >= 3)
            + channel_effect[people.channel[who]])


def run_event(rng: np.random.Generator, event: Event, people: People, scale: float) -> Outcome:
    """Who registers, when, and who comes; updates everyone's attendance history."""
    local = np.ones(people.n) if event.online else np.where(people.city == event.city, 1.0, 0.06)
    weight = people.activity * REGISTER_WEIGHT[people.channel] * local * people.has_email
    weight *= 1 + 0.5 * (people.attended > 0)  # those who came before sign up again
    chance = np.clip(weight * event.size * scale / weight.sum(), 0, 0.95)
    who = np.flatnonzero(rng.random(people.n) < chance)
    lead = np.minimum(rng.exponential(12.0, size=len(who)), 60.0)
    registered_at = event.start - (lead * 86400).astype("timedelta64[s]")
    if not event.past:  # registrations after "today" have not happened yet
        keep = registered_at < REFERENCE
        who, lead, registered_at = who[keep], lead[keep], registered_at[keep]
    cancelled = rng.random(len(who)) < CANCEL_RATE[event.platform]
    p = 1 / (1 + np.exp(-show_up_logit(event, people, who, lead)))
    came = (rng.random(len(who)) < p) & ~cancelled & event.past
    walk_ins, anonymous = np.array([], dtype=np.int64), 0
    if event.past and WALK_IN_RATIO[event.kind]:
        total = rng.poisson(WALK_IN_RATIO[event.kind] * came.sum())
        anonymous = rng.binomial(total, ANONYMOUS_SHARE)
        walk_weight = people.activity * WALK_IN_WEIGHT[people.channel] * local
        walk_weight[who] = 0
        named = min(total - anonymous, int((walk_weight > 0).sum()))
        walk_ins = np.sort(rng.choice(people.n, size=named, replace=False,
                                      p=walk_weight / walk_weight.sum()))
    people.attended[who[came]] += 1
    people.attended[walk_ins] += 1
    return Outcome(event, who, registered_at, lead, cancelled, came, walk_ins, anonymous)


def simulate(
    people_count: int = DEFAULT_PEOPLE, seed: int = DEFAULT_SEED,
) -> tuple[np.random.Generator, People, list[Outcome]]:
    rng = np.random.default_rng(seed)
    people = make_people(rng, people_count)
    scale = people_count / BASE_PEOPLE
    outcomes = [run_event(rng, event, people, scale)
                for event in sorted(EVENTS, key=lambda e: (e.starts_at, e.event_id))]
    return rng, people, outcomes

