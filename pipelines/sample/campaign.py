"""The sample campaign's fixed facts: its name, the day it stands on, and its events.

Each event's expected registrations are given for ``BASE_PEOPLE`` people; the model
scales them to the crowd it simulates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CAMPAIGN = "Bienvenue aux réfugiés"
REFERENCE = np.datetime64("2026-11-01T09:00", "s")  # "today" for the campaign: never the clock
BASE_PEOPLE = 3000  # event sizes below are for this many people and scale linearly


@dataclass(frozen=True)
class Event:
    event_id: str
    name: str
    starts_at: str
    kind: str
    city: int  # index in people.CITIES; -1 online
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


def _ev(
    day: str,
    time: str,
    kind: str,
    city: int,
    platform: str,
    reminder: bool,
    size: int,
    name: str,
    pid: str,
    **kw: bool,
) -> Event:
    return Event(
        f"{day}-{kind}-{['mtl', 'qc', 'gat', 'web'][city]}",
        name,
        f"{day}T{time}",
        kind,
        city,
        platform,
        reminder,
        size,
        pid,
        **kw,
    )


EVENTS = [
    _ev(
        "2025-11-22",
        "13:00",
        "rally",
        0,
        "eventbrite",
        True,
        170,
        "Rassemblement « Bienvenue aux réfugiés » — Montréal",
        "1186234500011",
    ),
    _ev(
        "2025-12-10",
        "19:00",
        "webinar",
        -1,
        "zoom",
        True,
        130,
        "Webinaire : parrainer une famille réfugiée",
        "84150012201",
    ),
    _ev(
        "2025-12-18",
        "18:00",
        "vigil",
        1,
        "mobilize",
        False,
        60,
        "Vigile — Journée internationale des migrants (Québec)",
        "604101",
        marked=False,
    ),
    _ev(
        "2026-01-21",
        "12:00",
        "webinar",
        -1,
        "zoom",
        False,
        110,
        "Webinar: Refugee rights 101",
        "84150012202",
    ),
    _ev(
        "2026-02-07",
        "13:00",
        "rally",
        2,
        "eventbrite",
        False,
        90,
        "Rassemblement — Gatineau accueille",
        "1186234500022",
    ),
    _ev(
        "2026-02-25",
        "19:00",
        "webinar",
        -1,
        "zoom",
        True,
        120,
        "Webinaire : le système d'asile expliqué",
        "84150012203",
    ),
    _ev(
        "2026-03-14",
        "10:00",
        "workshop",
        0,
        "mobilize",
        True,
        45,
        "Atelier d'activisme numérique",
        "604102",
    ),
    _ev(
        "2026-03-21",
        "14:00",
        "rally",
        0,
        "eventbrite",
        True,
        190,
        "Marche contre le racisme — Montréal",
        "1186234500033",
    ),
    _ev(
        "2026-04-16",
        "19:30",
        "vigil",
        0,
        "mobilize",
        False,
        70,
        "Vigile aux chandelles — Montréal",
        "604103",
    ),
    _ev(
        "2026-05-13",
        "12:00",
        "webinar",
        -1,
        "zoom",
        False,
        100,
        "Webinar: How to welcome newcomers in your town",
        "84150012204",
    ),
    _ev(
        "2026-06-20",
        "11:00",
        "rally",
        1,
        "eventbrite",
        True,
        120,
        "Journée mondiale des réfugiés — Québec",
        "1186234500044",
    ),
    _ev(
        "2026-06-20",
        "20:00",
        "vigil",
        2,
        "mobilize",
        False,
        40,
        "Vigile — Journée mondiale des réfugiés (Gatineau)",
        "604104",
        marked=False,
        french_sheet=True,
    ),
    _ev(
        "2026-07-09",
        "19:00",
        "webinar",
        -1,
        "zoom",
        True,
        90,
        "Webinaire : écrire à son député",
        "84150012205",
    ),
    _ev(
        "2026-08-28",
        "19:00",
        "vigil",
        0,
        "mobilize",
        True,
        55,
        "Vigile de fin d'été — Montréal",
        "604105",
    ),
    _ev(
        "2026-09-16",
        "19:00",
        "webinar",
        -1,
        "zoom",
        False,
        110,
        "Webinar: Private sponsorship, step by step",
        "84150012206",
    ),
    _ev(
        "2026-09-26",
        "13:00",
        "rally",
        0,
        "eventbrite",
        False,
        160,
        "Rassemblement de la rentrée — Montréal",
        "1186234500055",
    ),
    _ev(
        "2026-10-08",
        "12:00",
        "webinar",
        -1,
        "zoom",
        True,
        120,
        "Webinaire : bilan et prochaines étapes",
        "84150012207",
    ),
    _ev(
        "2026-10-17",
        "18:00",
        "vigil",
        1,
        "mobilize",
        True,
        50,
        "Vigile — Québec solidaire des personnes réfugiées",
        "604106",
        french_sheet=True,
    ),
    _ev(
        "2026-11-14",
        "13:00",
        "rally",
        0,
        "eventbrite",
        True,
        180,
        "Grand rassemblement d'automne — Montréal",
        "1186234500066",
    ),
    _ev(
        "2026-11-18",
        "19:00",
        "webinar",
        -1,
        "zoom",
        True,
        110,
        "Webinaire : préparer l'hiver avec les familles accueillies",
        "84150012208",
    ),
    _ev(
        "2026-12-10",
        "18:30",
        "vigil",
        0,
        "mobilize",
        False,
        65,
        "Vigile — Journée des droits de la personne",
        "604107",
    ),
]
