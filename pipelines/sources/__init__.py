"""The registry of export formats.

Each module in this package describes one format with a ``SOURCE`` object: how
the file is recognised (subsets of its header), how its columns map onto
canonical fields, and which canonical table its rows go to. Row semantics that
need SQL live in ``pipelines/sql/staging/stg_<name>.sql``.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

FIELD_TYPES = ("text", "id", "count", "number", "timestamp", "email", "phone", "bool")

TARGETS = (
    "events",
    "registrations",
    "checkins",
    "signatures",
    "email_activity",
    "identities",
    "post_snapshots",
    "facebook_event_snapshots",
    "petition_snapshots",
)


@lru_cache(maxsize=8192)  # detection compares every format's signatures with each line tried
def normalise_header(name: str) -> str:
    """Lower-case, without accents, quotes or repeated spaces: how headers are compared."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\ufeff", "").strip().strip('"').strip()
    return re.sub(r"\s+", " ", text).lower()


@dataclass(frozen=True)
class Field:
    """One canonical field and the header names (any language) it may have."""

    name: str
    aliases: tuple[str, ...]
    type: str = "text"
    required: bool = False
    prefix: str = ""  # put before a text/id value, e.g. "mobilize:" to build a platform id

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"unknown field type {self.type!r}")


@dataclass(frozen=True)
class Source:
    """One export format."""

    name: str
    title: str
    target: str
    signatures: tuple[tuple[str, ...], ...]
    fields: tuple[Field, ...]
    example_header: str
    file_type: str = "csv"  # csv | json
    per_event: bool = False
    auto_detect: bool = True  # False: the header is shared with another format; --source only
    description_row: bool = False
    # header-level context (event platform id, export time) read from lines above the header
    preamble: Callable[[list[list[str]]], dict] | None = None
    # for JSON formats: SQL turning `raw_json` (the documents read) into one row per record
    json_sql: str | None = None
    notes: str = ""
    header_confirmed: bool = True  # False: taken from documentation, never seen in a real file
    sample_file: str = ""
    # the same value on every row (e.g. platform = "facebook"), for formats with no stg_ file
    constants: dict = field(default_factory=dict)
    # True when the staging SQL's record_ref starts with the row's partition value (its
    # table's ``partition``: event, email campaign, petition) and a '|': a re-export then
    # matches stored rows of its own partitions only, and is merged against those alone
    record_ref_partitioned: bool = False
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            raise ValueError(f"{self.name}: unknown target {self.target!r}")

    @property
    def staging_sql(self) -> str:
        return f"stg_{self.name}.sql"

    def match_score(self, headers: set[str]) -> float:
        """The best share of any signature's columns found in ``headers``."""
        best = 0.0
        for signature in self.signatures:
            wanted = {normalise_header(name) for name in signature}
            best = max(best, len(wanted & headers) / len(wanted))
        return best

    def signature_size(self, headers: set[str]) -> int:
        sizes = [
            len(sig) for sig in self.signatures if {normalise_header(n) for n in sig} <= headers
        ]
        return max(sizes, default=0)


def _discover() -> dict[str, Source]:
    found: dict[str, Source] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        source = getattr(module, "SOURCE", None)
        if isinstance(source, Source):
            found[source.name] = source
    return found


REGISTRY: dict[str, Source] = _discover()


def get(name: str) -> Source:
    from pipelines.errors import TurnoutError

    if name not in REGISTRY:
        raise TurnoutError(code="format.unknown", name=name, known=", ".join(sorted(REGISTRY)))
    return REGISTRY[name]


def detect(
    headers: list[str], file_type: str = "csv"
) -> tuple[Source | None, Source | None, float]:
    """Return (the recognised source or None, the closest source, its score)."""
    normalised = {normalise_header(h) for h in headers if h}
    candidates = [s for s in REGISTRY.values() if s.file_type == file_type and s.auto_detect]
    scored = sorted(
        candidates,
        key=lambda s: (s.match_score(normalised), s.signature_size(normalised)),
        reverse=True,
    )
    if not scored:
        return None, None, 0.0
    best = scored[0]
    score = best.match_score(normalised)
    return (best if score == 1.0 else None), best, score
