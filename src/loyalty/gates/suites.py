"""The expectation suites, in code: what each gate reads from the warehouse and what it expects.

Every suite reads one relation of the built warehouse into a frame (a DuckDB query,
so derived columns such as the bridge identity gap are computed there) and checks
it with Great Expectations. Three checkpoints group them:

* raw_landing        row counts per raw table in range vs the last published load
                     (its audit table), non-empty core tables; one suite per raw table:
                     key non-null, allowed enumerations, connector and event timestamps
                     not after the as-of day (+ tolerance);
* reject_accounting  staging.stg_raw_row_accounting: raw = staged + rejected, and the
                     share of rejected rows (duplicates excluded) per table below
                     max_reject_share;
* marts              MRR >= 0, the bridge identity per month, GRR in [0, 1], the share
                     of MRR held by unmapped customers (per month, `mostly`, and its
                     mean), health scores 0-100 and bands consistent with the cut-offs.

Row checks on raw data use `mostly = 1 - max_reject_share`: staging rejects that
much at most, so a few bad rows pass here and are counted there, while a systemic
landing problem (a broken sync, a renamed status) fails the gate. A suite whose
relation is absent (e.g. a mart not built yet) is skipped and reported as such.
Frames over runner.SAMPLE_ROWS rows are validated on a reproducible sample (the
report says so); row counts are always exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column

from loyalty.contract import TABLES, Table
from loyalty.gates.config import GateConfig

RAW_LANDING = "raw_landing"
REJECT_ACCOUNTING = "reject_accounting"
MARTS = "marts"
CHECKPOINTS = (RAW_LANDING, REJECT_ACCOUNTING, MARTS)

STAGING_SCHEMA = "staging"
MARTS_SCHEMA = "marts"

# SOURCES.md enumerations, compared case- and whitespace-insensitively.
RAW_ENUMERATIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "stripe.subscription_history": {"status": ("trialing", "active", "past_due", "unpaid", "canceled",
                                               "incomplete", "incomplete_expired")},
    "stripe.price": {"recurring_interval": ("day", "week", "month", "year")},
    "stripe.coupon": {"duration": ("once", "repeating", "forever")},
    "stripe.invoice": {"status": ("draft", "open", "paid", "void", "uncollectible")},
    "delighted.survey_response": {"survey_type": ("nps", "csat", "ces")},
    "salesforce.opportunity": {"type": ("new business", "renewal", "upsell", "cross-sell")},
    "salesforce.task": {"type": ("call", "meeting", "email", "qbr", "other")},
}
# Columns stamped by the connector or the client that can never be later than "now".
RAW_TIMESTAMPS = ("_fivetran_synced", "_fivetran_start", "received_at", "sent_at", "timestamp",
                  "created", "created_date", "created_at", "updated_at")
# Without rows in these there is no revenue at all: an empty landing is a broken sync.
RAW_NON_EMPTY = frozenset({"salesforce.account", "stripe.customer", "stripe.price",
                           "stripe.subscription_history", "stripe.subscription_item_history"})

MOVEMENT_TYPES = ("new", "reactivation", "expansion", "contraction", "churn")
HEALTH_BANDS = ("red", "yellow", "green")
HEALTH_COMPONENTS = ("adoption", "engagement", "sentiment", "support", "financial", "relationship")
AMOUNT_TOLERANCE = 1e-6  # METRICS.md: differences below 0.000001 are no change

Expectation = gxe.Expectation


@dataclass(frozen=True)
class SuiteSpec:
    """One suite: the relation it needs, the frame it reads, the expectations on that frame.

    `frame_sql` and `expectations` get the relation's column names, so a suite adapts to
    optional columns (and the health mart's components) instead of failing on them.

    `row_wise`: the frame is one `select <expressions> from <the relation>` with no where,
    group by or order by, one frame row per relation row. A large relation is then sampled
    by row id before the frame is read (the runner appends a `where rowid in (<sample>)`):
    at 10k customers the raw tracks frame (58M rows) took 68 s to export when the sample was
    drawn from the computed frame."""

    name: str
    checkpoint: str
    schema: str
    table: str
    frame_sql: Callable[[Sequence[str], GateConfig], str]
    expectations: Callable[[Sequence[str], GateConfig], list[Expectation]]
    row_wise: bool = False


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _meta(rule: str, label: str | None = None) -> dict[str, str]:
    """`rule`: what the expectation checks, in words. `label`: a frame column naming each row
    (e.g. source_table), so a failure can say which rows broke it."""
    return {"rule": rule, **({"label_column": label} if label else {})}


# -- raw landing ---------------------------------------------------------------------------------

def _raw_frame_sql(table: Table) -> Callable[[Sequence[str], GateConfig], str]:
    def sql(columns: Sequence[str], config: GateConfig) -> str:
        present = set(columns)
        items = [f"nullif(trim(cast({quote(table.key)} as varchar)), '') as {quote(table.key)}"]
        for column in RAW_ENUMERATIONS.get(table.qualified, {}):
            if column in present:
                items.append(f"lower(trim(cast({quote(column)} as varchar))) as {quote(column)}")
        for column in RAW_TIMESTAMPS:
            if column in present:
                # text landing: any ISO-8601 offset (naive = UTC); typed landing casts as is
                items.append(f"try_cast({quote(column)} as timestamptz) at time zone 'UTC' as {quote(column)}")
        raw_schema = config.raw_schemas.get(table.schema, table.schema)
        return f"select {', '.join(items)} from {quote(raw_schema)}.{quote(table.name)}"
    return sql


def _raw_expectations(table: Table) -> Callable[[Sequence[str], GateConfig], list[Expectation]]:
    def build(columns: Sequence[str], config: GateConfig) -> list[Expectation]:
        present = set(columns)
        mostly = config.raw_mostly
        out: list[Expectation] = [gxe.ExpectColumnValuesToNotBeNull(column=table.key, mostly=mostly,
                                                                    meta=_meta(f"{table.key} is present"))]
        for column, allowed in RAW_ENUMERATIONS.get(table.qualified, {}).items():
            if column in present:
                out.append(gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(allowed), mostly=mostly,
                                                           meta=_meta(f"{column} is one of SOURCES.md's values")))
        limit = config.latest_plausible_at
        for column in RAW_TIMESTAMPS:
            if column in present:
                out.append(gxe.ExpectColumnValuesToBeBetween(
                    column=column, max_value=limit, mostly=mostly,
                    meta=_meta(f"{column} not after {limit:%Y-%m-%d %H:%M} UTC (as-of day + tolerance)")))
        return out
    return build


def _row_counts_sql(columns: Sequence[str], config: GateConfig) -> str:
    """One row per raw table: its row count, the last published load's (null: none) and the ratio."""
    baseline = config.baseline_counts or {}
    parts = []
    for t in TABLES:
        base = baseline.get(t.qualified)
        raw_schema = config.raw_schemas.get(t.schema, t.schema)
        parts.append(f"select '{t.qualified}' as source_table, count(*) as row_count, "
                     f"cast({base if base is not None else 'null'} as bigint) as baseline_rows, "
                     f"{'true' if t.qualified in RAW_NON_EMPTY else 'false'} as is_required "
                     f"from {quote(raw_schema)}.{quote(t.name)}")
    return (f"select *, cast(row_count as double) / nullif(baseline_rows, 0) as row_count_ratio "
            f"from ({' union all '.join(parts)}) as counts order by source_table")


def _row_counts_expectations(columns: Sequence[str], config: GateConfig) -> list[Expectation]:
    out: list[Expectation] = [gxe.ExpectColumnValuesToBeBetween(
        column="row_count", min_value=1, row_condition=Column("is_required") == True,  # noqa: E712
        meta=_meta(f"raw tables {', '.join(sorted(RAW_NON_EMPTY))} are not empty", "source_table"))]
    if config.baseline_counts:
        low, high = config.row_count_min_ratio, config.row_count_max_ratio
        out.append(gxe.ExpectColumnValuesToBeBetween(
            column="row_count_ratio", min_value=low, max_value=high,
            meta=_meta(f"row count within {low:g}x..{high:g}x of the last published load", "source_table")))
    return out


def raw_suites() -> list[SuiteSpec]:
    first = TABLES[0]
    counts = SuiteSpec(name="raw.row_counts", checkpoint=RAW_LANDING, schema=first.schema, table=first.name,
                       frame_sql=_row_counts_sql, expectations=_row_counts_expectations)
    return [counts, *[SuiteSpec(name=f"raw.{t.qualified}", checkpoint=RAW_LANDING, schema=t.schema, table=t.name,
                                frame_sql=_raw_frame_sql(t), expectations=_raw_expectations(t), row_wise=True)
                      for t in TABLES]]


# -- reject accounting ---------------------------------------------------------------------------

def _accounting_sql(columns: Sequence[str], config: GateConfig) -> str:
    return ("select source_table, raw_rows, staged_rows, rejected_rows, duplicate_rows, "
            "raw_rows - staged_rows - rejected_rows as unaccounted_rows, "
            "cast(rejected_share_excl_duplicates as double) as rejected_share_excl_duplicates "
            f"from {STAGING_SCHEMA}.stg_raw_row_accounting")


def _accounting_expectations(columns: Sequence[str], config: GateConfig) -> list[Expectation]:
    return [
        gxe.ExpectColumnDistinctValuesToEqualSet(
            column="source_table", value_set=[t.qualified for t in TABLES],
            meta=_meta("every raw table of the contract is accounted for")),
        gxe.ExpectColumnValuesToBeBetween(column="unaccounted_rows", min_value=0, max_value=0,
                                          meta=_meta("raw rows = staged rows + rejected rows", "source_table")),
        gxe.ExpectColumnValuesToBeBetween(
            column="rejected_share_excl_duplicates", min_value=0, max_value=config.max_reject_share,
            meta=_meta(f"rejected share (duplicates excluded) <= {config.max_reject_share:g} per table",
                       "source_table")),
    ]


# -- marts ---------------------------------------------------------------------------------------

def _select_all(table: str, doubles: Sequence[str] = ()) -> Callable[[Sequence[str], GateConfig], str]:
    """Every column; decimals listed in `doubles` as double (pandas has no decimal dtype)."""
    def sql(columns: Sequence[str], config: GateConfig) -> str:
        items = [f"cast({quote(c)} as double) as {quote(c)}" if c in doubles else quote(c) for c in columns]
        return f"select {', '.join(items)} from {MARTS_SCHEMA}.{quote(table)}"
    return sql


def _non_negative(columns: Sequence[str], names: Sequence[str]) -> list[Expectation]:
    return [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, meta=_meta(f"{c} >= 0"))
            for c in names if c in columns]


def _rate(column: str, columns: Sequence[str], high: float | None = 1.0) -> list[Expectation]:
    if column not in columns:
        return []
    rule = f"{column} in [0, 1]" if high is not None else f"{column} >= 0"
    return [gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=high, meta=_meta(rule))]


CONTRACT_AMOUNTS = ("mrr", "mrr_before_discount")


def _contract_mrr_expectations(columns: Sequence[str], config: GateConfig) -> list[Expectation]:
    mapped_mostly = round(1 - config.max_unmapped_mrr_share, 6)
    return [
        *[gxe.ExpectColumnValuesToNotBeNull(column=c, meta=_meta(f"{c} is present"))
          for c in ("subscription_id", "customer_id", "month") if c in columns],
        *_non_negative(columns, CONTRACT_AMOUNTS),
        gxe.ExpectColumnValuesToNotMatchRegex(
            column="customer_id", regex="^unmapped:", mostly=mapped_mostly,
            meta=_meta(f"at least {mapped_mostly:.0%} of contract-months belong to a mapped CRM customer")),
    ]


def _customer_mrr_expectations(columns: Sequence[str], config: GateConfig) -> list[Expectation]:
    return [gxe.ExpectColumnValuesToNotBeNull(column="customer_id", meta=_meta("customer_id is present")),
            *_non_negative(columns, ("mrr",))]


def _unmapped_share_sql(columns: Sequence[str], config: GateConfig) -> str:
    return f"""
        with monthly as (
            select
                month,
                sum(mrr) as total_mrr,
                sum(case when customer_id like 'unmapped:%' then mrr else 0 end) as unmapped_mrr
            from {MARTS_SCHEMA}.fct_customer_mrr_monthly
            group by 1
        )
        select
            month,
            cast(total_mrr as double) as total_mrr,
            cast(unmapped_mrr as double) as unmapped_mrr,
            cast(unmapped_mrr / total_mrr as double) as unmapped_mrr_share,
            month = max(month) over () as is_latest_month
        from monthly
        where total_mrr > 0
        order by month"""


def _unmapped_share_expectations(columns: Sequence[str], config: GateConfig) -> list[Expectation]:
    limit = config.max_unmapped_mrr_share
    return [
        gxe.ExpectColumnValuesToBeBetween(
            column="unmapped_mrr_share", min_value=0, max_value=limit, row_condition=Column("is_latest_month") == True,  # noqa: E712
            meta=_meta(f"latest month: share of MRR on unmapped:* customers <= {limit:g}")),
        gxe.ExpectColumnValuesToBeBetween(
            column="unmapped_mrr_share", min_value=0, max_value=limit, mostly=config.unmapped_months_mostly,
            meta=_meta(f"at least {config.unmapped_months_mostly:.0%} of months: unmapped MRR share <= {limit:g}",
                       "month")),
        gxe.ExpectColumnMeanToBeBetween(column="unmapped_mrr_share", min_value=0, max_value=limit,
                                        meta=_meta(f"mean monthly unmapped MRR share <= {limit:g}")),
    ]


BRIDGE_AMOUNTS = ("opening_mrr", "new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr",
                  "churned_mrr", "closing_mrr")


def _bridge_sql(columns: Sequence[str], config: GateConfig) -> str:
    doubles = [f"cast({quote(c)} as double) as {quote(c)}" for c in BRIDGE_AMOUNTS]
    rest = [quote(c) for c in columns if c not in BRIDGE_AMOUNTS]
    gap = ("cast(opening_mrr + new_mrr + reactivation_mrr + expansion_mrr - contraction_mrr - churned_mrr "
           "- closing_mrr as double) as bridge_gap_mrr")
    return f"select {', '.join([*rest, *doubles, gap])} from {MARTS_SCHEMA}.fct_mrr_bridge"


def _bridge_expectations(columns: Sequence[str], config: GateConfig) -> list[Expectation]:
    return [
        gxe.ExpectColumnValuesToBeUnique(column="month", meta=_meta("one row per month")),
        gxe.ExpectColumnValuesToBeBetween(
            column="bridge_gap_mrr", min_value=-AMOUNT_TOLERANCE, max_value=AMOUNT_TOLERANCE,
            meta=_meta("opening + new + reactivation + expansion - contraction - churn = closing", "month")),
        *_non_negative(columns, BRIDGE_AMOUNTS),
        *_non_negative(columns, ("customers_opening", "customers_closing")),
        *_rate("grr_1m", columns),
        *_rate("nrr_1m", columns, high=None),
        *_rate("quick_ratio", columns, high=None),
    ]


def _retention_expectations(columns: Sequence[str], config: GateConfig) -> list[Expectation]:
    return [
        *_rate("grr_12m", columns),
        *_rate("logo_retention_12m", columns),
        *_rate("nrr_12m", columns, high=None),
        *_non_negative(columns, ("cohort_mrr", "cohort_customers")),
    ]


def _movement_expectations(columns: Sequence[str], config: GateConfig) -> list[Expectation]:
    return [gxe.ExpectColumnValuesToBeInSet(column="movement_type", value_set=list(MOVEMENT_TYPES),
                                            meta=_meta("movement_type is a METRICS.md movement")),
            *_non_negative(columns, ("mrr_prev", "mrr"))]


def _health_score_columns(columns: Sequence[str]) -> list[str]:
    """health_score and every component score the mart has (<component>_score or <component>)."""
    found = [c for c in columns if c == "health_score" or (c.endswith("_score") and not c.startswith("score_"))]
    found += [c for c in HEALTH_COMPONENTS if c in columns]
    return list(dict.fromkeys(found))


def _health_sql(table: str, amounts: Sequence[str] = ()) -> Callable[[Sequence[str], GateConfig], str]:
    def sql(columns: Sequence[str], config: GateConfig) -> str:
        scores = _health_score_columns(columns)
        changes = [c for c in columns if c.startswith("score_change_")]
        doubles = [*scores, *changes, *[c for c in amounts if c in columns]]
        items = [quote(c) for c in columns if c in ("customer_id", "date_day", "health_band")]
        items += [f"cast({quote(c)} as double) as {quote(c)}" for c in doubles]
        if "health_score" in columns:
            items.append(
                f"case when health_score is null then null "
                f"when health_score < {config.health_band_yellow_min} then 'red' "
                f"when health_score < {config.health_band_green_min} then 'yellow' "
                f"else 'green' end as expected_health_band")
        return f"select {', '.join(items)} from {MARTS_SCHEMA}.{quote(table)}"
    return sql


def _health_expectations(columns: Sequence[str], config: GateConfig) -> list[Expectation]:
    out: list[Expectation] = [
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=100, meta=_meta(f"{c} in [0, 100]"))
        for c in _health_score_columns(columns)]
    out += [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=-100, max_value=100,
                                              meta=_meta(f"{c} in [-100, 100]"))
            for c in columns if c.startswith("score_change_")]
    if "health_band" in columns:
        out.append(gxe.ExpectColumnValuesToBeInSet(column="health_band", value_set=list(HEALTH_BANDS),
                                                   meta=_meta("health_band is red, yellow or green")))
        if "health_score" in columns:
            out.append(gxe.ExpectColumnPairValuesToBeEqual(
                column_A="health_band", column_B="expected_health_band", ignore_row_if="either_value_is_missing",
                meta=_meta(f"band follows the score: red < {config.health_band_yellow_min:g} <= yellow < "
                           f"{config.health_band_green_min:g} <= green")))
    return out


def _dim_customers_expectations(columns: Sequence[str], config: GateConfig) -> list[Expectation]:
    return [gxe.ExpectColumnValuesToBeUnique(column="customer_id", meta=_meta("one row per customer")),
            *_non_negative(columns, ("current_mrr",)),
            *_health_expectations(columns, config)]


def mart_suites() -> list[SuiteSpec]:
    def spec(table: str, sql: Callable[[Sequence[str], GateConfig], str],
             expectations: Callable[[Sequence[str], GateConfig], list[Expectation]],
             name: str | None = None, row_wise: bool = True) -> SuiteSpec:
        return SuiteSpec(name=f"marts.{name or table}", checkpoint=MARTS, schema=MARTS_SCHEMA, table=table,
                         frame_sql=sql, expectations=expectations, row_wise=row_wise)

    return [
        spec("fct_contract_mrr_monthly", _select_all("fct_contract_mrr_monthly", CONTRACT_AMOUNTS),
             _contract_mrr_expectations),
        spec("fct_customer_mrr_monthly", _select_all("fct_customer_mrr_monthly", ("mrr",)),
             _customer_mrr_expectations),
        spec("fct_customer_mrr_monthly", _unmapped_share_sql, _unmapped_share_expectations,
             name="unmapped_mrr_share", row_wise=False),
        spec("fct_customer_mrr_movements", _select_all("fct_customer_mrr_movements", ("mrr_prev", "mrr", "mrr_change")),
             _movement_expectations),
        spec("fct_mrr_bridge", _bridge_sql, _bridge_expectations, row_wise=False),
        spec("fct_revenue_retention",
             _select_all("fct_revenue_retention", ("cohort_mrr", "cohort_mrr_now", "retained_mrr")),
             _retention_expectations),
        spec("fct_customer_health_daily", _health_sql("fct_customer_health_daily"), _health_expectations),
        spec("dim_customers", _health_sql("dim_customers", ("current_mrr",)), _dim_customers_expectations),
    ]


def all_suites() -> list[SuiteSpec]:
    accounting = SuiteSpec(name="staging.reject_accounting", checkpoint=REJECT_ACCOUNTING, schema=STAGING_SCHEMA,
                           table="stg_raw_row_accounting", frame_sql=_accounting_sql,
                           expectations=_accounting_expectations)
    return [*raw_suites(), accounting, *mart_suites()]
