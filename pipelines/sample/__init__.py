"""A synthetic campaign, "Bienvenue aux réfugiés", written in the real export formats.

``campaign`` holds its events and the day it stands on, ``people`` draws its crowd and
``model`` simulates who registers and who shows up; ``files`` writes a CSV as the platforms
do; ``events``, ``lists`` and ``posts`` write the campaign's files, each importing those
and ``files``, never each other. The same seed gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.sample.campaign import BASE_PEOPLE, EVENTS, REFERENCE
from pipelines.sample.events import write_events
from pipelines.sample.files import Writer
from pipelines.sample.lists import write_lists
from pipelines.sample.model import DEFAULT_PEOPLE, DEFAULT_SEED, EFFECTS, simulate
from pipelines.sample.posts import write_posts

__all__ = [
    "DEFAULT_PEOPLE",
    "DEFAULT_SEED",
    "EFFECTS",
    "EVENTS",
    "REFERENCE",
    "generate",
    "simulate",
]


def generate(out: Path, people: int = DEFAULT_PEOPLE, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the whole campaign into ``out``; return the files written."""
    rng, crowd, outcomes = simulate(people, seed)
    out.mkdir(parents=True, exist_ok=True)
    w = Writer(out)  # one generator, drawn from in this order: the bytes depend on it
    write_events(w, rng, crowd, outcomes)
    write_lists(w, rng, crowd, outcomes)
    write_posts(w, rng, people / BASE_PEOPLE)
    return w.files
