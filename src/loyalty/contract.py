"""The raw source contract (../shared/SOURCES.md) as data.

Single source of truth for the generator (which writes exactly these columns),
the loader (which checks files against them) and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    columns: tuple[str, ...]
    optional: frozenset[str] = frozenset()
    key: str = "id"
    history_mode: bool = False

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.optional)


def _t(schema: str, name: str, cols: str, optional: str = "", history: bool = False) -> Table:
    columns = tuple(c.strip() for c in cols.split(",") if c.strip())
    opt = frozenset(c.strip() for c in optional.split(",") if c.strip())
    return Table(schema, name, columns, opt, history_mode=history)


TABLES: tuple[Table, ...] = (
    # CRM - salesforce
    _t("salesforce", "account", "id, name, parent_id, master_record_id, type, industry, account_source, "
       "number_of_employees, billing_country, owner_id, created_date, is_deleted, _fivetran_synced"),
    _t("salesforce", "contact", "id, account_id, email, first_name, last_name, title, is_deleted, "
       "created_date, _fivetran_synced"),
    _t("salesforce", "user", "id, name, email, is_active, _fivetran_synced"),
    _t("salesforce", "opportunity", "id, account_id, type, stage_name, is_won, is_closed, close_date, amount, "
       "currency_iso_code, lead_source, owner_id, created_date, is_deleted, _fivetran_synced",
       optional="currency_iso_code"),
    _t("salesforce", "case", "id, account_id, contact_id, created_date, closed_date, status, priority, "
       "is_escalated, origin, is_deleted, _fivetran_synced"),
    _t("salesforce", "task", "id, account_id, who_id, type, subject, activity_date, status, is_deleted, "
       "_fivetran_synced"),
    # Billing - stripe
    _t("stripe", "customer", "id, email, name, currency, created, delinquent, metadata, is_deleted, "
       "_fivetran_synced"),
    _t("stripe", "product", "id, name, active, _fivetran_synced"),
    _t("stripe", "price", "id, product_id, currency, unit_amount, recurring_interval, "
       "recurring_interval_count, active, nickname, _fivetran_synced"),
    _t("stripe", "subscription_history", "id, customer_id, status, created, start_date, current_period_start, "
       "current_period_end, cancel_at_period_end, canceled_at, ended_at, trial_start, trial_end, "
       "_fivetran_start, _fivetran_end, _fivetran_active", history=True),
    _t("stripe", "subscription_item_history", "id, subscription_id, price_id, quantity, created, "
       "_fivetran_start, _fivetran_end, _fivetran_active, _fivetran_deleted", history=True),
    _t("stripe", "coupon", "id, percent_off, amount_off, currency, duration, duration_in_months, "
       "_fivetran_synced"),
    _t("stripe", "subscription_discount", "id, subscription_id, coupon_id, customer_id, start, end, "
       "_fivetran_synced"),
    _t("stripe", "invoice", "id, customer_id, subscription_id, status, created, due_date, period_start, "
       "period_end, total, amount_paid, currency, _fivetran_synced"),
    # Product usage - segment
    _t("segment", "users", "id, email, name, role, department, created_at, received_at"),
    _t("segment", "groups", "id, user_id, group_id, timestamp, received_at"),
    _t("segment", "tracks", "id, user_id, anonymous_id, event, event_text, timestamp, original_timestamp, "
       "sent_at, received_at, context_ip", optional="context_ip"),
    # Surveys - delighted
    _t("delighted", "person", "id, email, name, created_at, _fivetran_synced"),
    _t("delighted", "survey_response", "id, person_id, survey_type, score, comment, permalink, created_at, "
       "updated_at, _fivetran_synced"),
)

SCHEMAS: tuple[str, ...] = ("salesforce", "stripe", "segment", "delighted")

FIVETRAN_OPEN_END = "9999-12-31 23:59:59"


def table(qualified: str) -> Table:
    """Look up a table by 'schema.name'."""
    for t in TABLES:
        if t.qualified == qualified:
            return t
    raise KeyError(f"unknown raw table {qualified!r}; known: {', '.join(t.qualified for t in TABLES)}")
