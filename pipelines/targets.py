"""The canonical tables an import writes, and how a staged row is merged into each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    table: str
    columns: tuple[str, ...]  # written from the staged rows
    key: tuple[str, ...]  # identity of a row in the table
    person_level: bool = False
    needs_event: bool = False  # event_id must be in the calendar
    needs_person: bool = False  # at least one key: a row nobody can be matched to is rejected
    # the column that splits a per-person table into the parts one export covers (its event,
    # email campaign or petition); see ``merge.partitions``
    partition: str | None = None

    @property
    def compared(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in ("exported_at",))


PERSON_KEYS = ("email_key", "phone_key", "platform_key")
# the columns of the aggregate tables that hold counts (a platform's totals, never people)
POST_COUNTS = ("reach", "impressions", "reactions", "comments", "shares", "clicks")
RSVP_COUNTS = ("going", "interested", "maybe", "declined")
COUNTS = frozenset((*POST_COUNTS, *RSVP_COUNTS, "signature_count"))

TARGETS: dict[str, Target] = {
    target.table: target
    for target in (
        Target(
            "events",
            (
                "event_id",
                "name",
                "starts_at",
                "kind",
                "campaign",
                "is_online",
                "reminder_sent",
                "eventbrite_event_id",
                "zoom_webinar_id",
                "mobilize_event_id",
                "facebook_event_id",
            ),
            key=("event_id",),
        ),
        Target(
            "registrations",
            (
                "source",
                "event_id",
                "email_key",
                "phone_key",
                "platform_key",
                "source_ref",
                "registered_at",
                "status",
                "is_cancelled",
                "attended",
                "minutes_attended",
                "channel",
                "exported_at",
            ),
            key=("record_id",),
            person_level=True,
            partition="event_id",
            needs_event=True,
            needs_person=True,
        ),
        Target(
            "checkins",
            (
                "source",
                "event_id",
                "email_key",
                "phone_key",
                "signed_in_at",
                "channel",
                "exported_at",
            ),
            key=("record_id",),
            person_level=True,
            partition="event_id",
            needs_event=True,
        ),
        Target(
            "signatures",
            (
                "source",
                "petition_id",
                "campaign",
                "email_key",
                "phone_key",
                "platform_key",
                "source_ref",
                "signed_at",
                "channel",
                "exported_at",
            ),
            key=("record_id",),
            person_level=True,
            partition="petition_id",
            needs_person=True,
        ),
        Target(
            "email_activity",
            (
                "source",
                "email_campaign_id",
                "campaign",
                "email_key",
                "action",
                "occurred_at",
                "exported_at",
            ),
            key=("record_id",),
            person_level=True,
            partition="email_campaign_id",
            needs_person=True,
        ),
        Target(
            "identities",
            (
                "source",
                "email_key",
                "phone_key",
                "platform_key",
                "source_ref",
                "exported_at",
            ),
            key=("record_id",),
            person_level=True,
            needs_person=True,
        ),
        Target(
            "post_snapshots",
            (
                "post_id",
                "platform",
                "campaign",
                "published_at",
                "exported_at",
                *POST_COUNTS,
            ),
            key=("post_id", "exported_at"),
        ),
        Target(
            "facebook_event_snapshots",
            (
                "event_id",
                "snapshot_at",
                *RSVP_COUNTS,
            ),
            key=("event_id", "snapshot_at"),
            needs_event=True,
        ),
        Target(
            "petition_snapshots",
            (
                "petition_id",
                "petition_name",
                "campaign",
                "snapshot_at",
                "signature_count",
            ),
            key=("petition_id", "snapshot_at"),
        ),
    )
}
