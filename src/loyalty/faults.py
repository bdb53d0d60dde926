"""Fault classes the generator can inject (`loyalty generate --faults`) and what
staging must do with each.

The generator writes one manifest row per injected fault to
`<out>/_faults/manifest.csv` with columns MANIFEST_COLUMNS. Tests join the
manifest to the staging models and `stg_<source>__rejects` to prove that every
fault was either normalised (kept, with the expected value) or rejected with
the expected reason.
"""

from __future__ import annotations

from dataclasses import dataclass

MANIFEST_PATH = "_faults/manifest.csv"
MANIFEST_COLUMNS = ("table", "row_key", "fault_class", "expected_outcome", "expected_reason", "expected_value")

# Reject reasons used by the staging layer (column reject_reason of stg_<source>__rejects).
REJECT_REASONS: dict[str, str] = {
    "null_key": "primary key is null or empty",
    "duplicate": "another row with the same key wins (at-least-once re-delivery, or an older update)",
    "future_timestamp": "event time later than received time + tolerance (client clock ahead)",
    "implausible_timestamp": "event time before var earliest_plausible_date (e.g. 1970 client clock)",
    "invalid_timestamp": "a required timestamp is missing or does not parse",
    "unknown_currency": "currency not in var supported_currencies (no FX rate to convert it)",
    "score_out_of_range": "survey score outside its scale (nps 0-10, csat 1-5, ces 1-7) or unknown survey type",
    "negative_quantity": "subscription item quantity below zero",
    "soft_deleted": "the CRM row is soft-deleted (is_deleted = true)",
    "orphan_reference": "a required parent row does not exist (e.g. survey response of an unknown person)",
    "invalid_value": "a required value is outside its allowed enumeration or does not parse",
}

# Reasons that do not count towards var max_reject_share (they are normal connector behaviour).
EXPECTED_REJECT_REASONS = frozenset({"duplicate"})


@dataclass(frozen=True)
class FaultClass:
    name: str
    table: str  # schema.table the generator puts it in
    outcome: str  # "rejected" or "normalised"
    reason: str = ""  # reject reason when rejected
    description: str = ""


FAULT_CLASSES: tuple[FaultClass, ...] = (
    FaultClass("duplicate_delivery", "segment.tracks", "rejected", "duplicate",
               "the same tracks.id delivered 2-3 times; one copy is staged, the others rejected"),
    FaultClass("future_timestamp", "segment.tracks", "rejected", "future_timestamp",
               "client clock days/years ahead of received_at"),
    FaultClass("epoch_timestamp", "segment.tracks", "rejected", "implausible_timestamp",
               "client clock reset: timestamp in 1970"),
    FaultClass("odd_utc_offset", "segment.tracks", "normalised", "",
               "timestamp written with an unusual offset (+05:45, -09:30, +13:00); staged event_at is "
               "the same instant in UTC (expected_value, 'YYYY-MM-DD HH:MM:SS')"),
    FaultClass("malformed_metadata", "stripe.customer", "normalised", "",
               "metadata not JSON / empty / not an object / missing key; staged with salesforce_account_id "
               "null so the customer becomes unmapped:<id>"),
    FaultClass("orphan_billing_customer", "stripe.subscription_history", "normalised", "",
               "customer_id not in stripe.customer; staged as is (its revenue maps to unmapped:<customer_id>)"),
    FaultClass("orphan_survey_person", "delighted.survey_response", "rejected", "orphan_reference",
               "person_id not in delighted.person; the response cannot reach an account"),
    FaultClass("unknown_currency", "stripe.price", "rejected", "unknown_currency",
               "price in a currency with no FX rate"),
    FaultClass("out_of_scale_score", "delighted.survey_response", "rejected", "score_out_of_range",
               "nps 11 or -1, csat 0 or 7, ces 9"),
    FaultClass("null_key", "segment.tracks", "rejected", "null_key", "tracks row with an empty id"),
    FaultClass("null_key", "salesforce.contact", "rejected", "null_key", "contact row with an empty id"),
    FaultClass("null_key", "stripe.invoice", "rejected", "null_key", "invoice row with an empty id"),
    FaultClass("negative_quantity", "stripe.subscription_item_history", "rejected", "negative_quantity",
               "an item version with quantity < 0"),
    FaultClass("soft_deleted", "salesforce.case", "rejected", "soft_deleted", "case with is_deleted = true"),
    FaultClass("soft_deleted", "salesforce.contact", "rejected", "soft_deleted", "contact with is_deleted = true"),
    FaultClass("overlapping_versions", "stripe.subscription_history", "normalised", "",
               "a version whose _fivetran_end runs past the next version's _fivetran_start; staged with "
               "is_overlapping_version = true, the later-starting version wins at any instant"),
)


def fault_classes_for(table: str) -> tuple[FaultClass, ...]:
    return tuple(f for f in FAULT_CLASSES if f.table == table)
