"""The sample's crowd: who the people are, where they live, how they heard of the campaign.

``make_people`` draws everyone at once from the seeded generator: names, emails and
phones (fictional numbers only), city, first channel, and how active each person is.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from pipelines.sample.files import cat

FIRST = [
    "Hélène",
    "Émilie",
    "Geneviève",
    "Chloé",
    "Léa",
    "Zoé",
    "Anaïs",
    "Mélanie",
    "Josée",
    "Noémie",
    "François",
    "Jérôme",
    "Sébastien",
    "Frédéric",
    "André",
    "Benoît",
    "Étienne",
    "Raphaël",
    "Gaétan",
    "Stéphane",
    "Marie",
    "Julie",
    "Sophie",
    "Isabelle",
    "Nathalie",
    "Luc",
    "Marc",
    "Pierre",
    "Louis",
    "Samuel",
    "Sarah",
    "Emily",
    "Jessica",
    "Michael",
    "David",
    "James",
    "Amina",
    "Fatima",
    "Omar",
    "Youssef",
    "Aïcha",
    "Mariam",
    "Nour",
    "Ahmad",
    "Kiran",
    "Mei",
    "Olena",
    "Daniel",
    "Grace",
    "Kevin",
]
LAST = [
    "Gagné",
    "Bélanger",
    "Côté",
    "Lévesque",
    "Bédard",
    "Gélinas",
    "Pelletier",
    "Bouchard",
    "Tremblay",
    "Roy",
    "Gauthier",
    "Morin",
    "Lavoie",
    "Fortin",
    "Ouellet",
    "Thériault",
    "Béliveau",
    "Després",
    "Caron",
    "Paré",
    "Boucher",
    "Léger",
    "Côté-Martin",
    "St-Pierre",
    "Smith",
    "Brown",
    "Wilson",
    "MacDonald",
    "Taylor",
    "O'Brien",
    "Nguyen",
    "Haddad",
    "Diallo",
    "Mansour",
    "Khalil",
    "Rahman",
    "Kovalenko",
    "Chen",
    "Singh",
    "Joseph",
]
CITIES = np.array(["Montréal", "Québec", "Gatineau"])
CITY_SHARE = [0.6, 0.25, 0.15]
AREA_CODES = np.array(["514", "438", "450", "579", "418", "581", "367", "819", "873", "468"])
POSTAL = np.array(["H2X", "G1R", "J8X"])  # forward sortation area per city

# How people first heard of the campaign; decides where they register from and how
# reliably they come (model.EFFECTS["channel"]).
CHANNELS = np.array(
    ["facebook", "instagram", "x", "email", "ami", "flyer", "radio", "eglise_mosquee"]
)
CHANNEL_SHARE = [0.30, 0.12, 0.05, 0.20, 0.12, 0.09, 0.04, 0.08]
OFFLINE_CHANNEL = np.array([False, False, False, False, True, True, True, True])
HEARD_FROM = np.array(
    ["Facebook", "Instagram", "X", "courriel", "ami", "flyer", "radio", "église/mosquée"]
)
UTM_SOURCE = np.array(["facebook", "instagram", "twitter", "email", "", "flyer", "", ""])


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


def _ascii(words: list[str]) -> np.ndarray:
    plain = [
        "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
        for w in words
    ]
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
        n=n,
        first=first,
        last=last,
        email=email,
        phone_area=phone_area,
        phone_line=phone_line,
        city=rng.choice(3, size=n, p=CITY_SHARE),
        channel=channel,
        activity=rng.lognormal(0.0, 1.0, size=n),
        subscribed=subscribed,
        opener=rng.beta(2.0, 3.5, size=n),
        apple=rng.random(n) < 0.25,
        user_id=(7_000_000 + rng.permutation(n) * 3).astype(str),
        attended=np.zeros(n, dtype=np.int32),
    )
