"""What the incremental-equals-full tests on DuckDB (test_incremental.py) and PostgreSQL
(test_incremental_postgres.py) share: Stripe history restated in place, the way a connector
re-sync rewrites it, and the comparison of the two warehouses. Each test passes a function
that runs one SQL statement on its engine and returns the rows. The SQL is written once for
both engines: `~` with ^...$ anchors is a full match in both, `interval 'N days'` and a
timestamp cast to varchar ('YYYY-MM-DD HH:MM:SS') read the same in both."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

RESTATE_DAYS = 10
PLAIN_TS = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"

Execute = Callable[[str], list[tuple[Any, ...]]]


def candidates_sql(as_of: date) -> str:
    """Two single-contract customers whose grid starts on their first subscription version's
    (plain-text, active, at least 3 x RESTATE_DAYS long) start day, 60-170 days before as_of."""
    return f"""
        with single as (
            select customer_id, min(subscription_id) as subscription_id
            from intermediate.int_contracts_mapped
            where not is_customer_unmapped
            group by 1 having count(*) = 1
        ),
        grid_starts as (
            select customer_id, min(date_day) as first_day
            from intermediate.int_health_customer_days group by 1
        ),
        first_versions as (
            select id, _fivetran_start, _fivetran_end, status,
                   row_number() over (partition by id order by _fivetran_start) as n
            from stripe.subscription_history
            where _fivetran_start ~ '{PLAIN_TS}' and _fivetran_end ~ '{PLAIN_TS}'
        )
        select single.customer_id, single.subscription_id
        from single
        inner join grid_starts on grid_starts.customer_id = single.customer_id
        inner join first_versions on first_versions.id = single.subscription_id and first_versions.n = 1
        where first_versions.status = 'active'
          and cast(first_versions._fivetran_start as date) = grid_starts.first_day
          and cast(first_versions._fivetran_end as timestamp)
              > cast(first_versions._fivetran_start as timestamp) + interval '{3 * RESTATE_DAYS} days'
          and grid_starts.first_day between date '{(as_of - timedelta(days=170)).isoformat()}'
                                      and date '{(as_of - timedelta(days=60)).isoformat()}'
        order by single.subscription_id
        limit 2
    """


def shift_first_version_sql(table: str, key: str, value: str, days: int) -> str:
    """Move the earliest plain-text version start of `key = value` in `table` by `days`."""
    return f"""
        update {table}
        set _fivetran_start = cast(cast(_fivetran_start as timestamp) + interval '{days} days' as varchar)
        where {key} = '{value}'
          and _fivetran_start ~ '{PLAIN_TS}'
          and _fivetran_start = (select min(_fivetran_start) from {table} where {key} = '{value}')
    """


def restate_billing(execute: Execute, as_of: date) -> dict[str, str]:
    """One single-contract customer's first subscription version now starts RESTATE_DAYS later
    (its first paid day moves later); another's first subscription and item versions start
    RESTATE_DAYS earlier (its first paid day moves back). Returns {'later': customer,
    'earlier': customer}."""
    candidates = execute(candidates_sql(as_of))
    assert len(candidates) == 2, f"the book has no two single-contract customers to restate: {candidates}"
    (later_customer, later_sub), (earlier_customer, earlier_sub) = candidates
    execute(shift_first_version_sql("stripe.subscription_history", "id", str(later_sub), RESTATE_DAYS))
    execute(shift_first_version_sql("stripe.subscription_history", "id", str(earlier_sub), -RESTATE_DAYS))
    execute(shift_first_version_sql("stripe.subscription_item_history", "subscription_id", str(earlier_sub),
                                    -RESTATE_DAYS))
    return {"later": str(later_customer), "earlier": str(earlier_customer)}


# -- history edited in place: inputs without run stamps ------------------------------------------

EDITED_COMPONENTS = ("support", "sentiment", "financial", "engagement", "relationship")


def _one(execute: Execute, sql: str, what: str) -> tuple[Any, ...]:
    rows = execute(sql)
    assert rows, f"the book has no {what} to edit"
    return rows[0]


def edit_history(execute: Execute, as_of: date) -> dict[str, str]:
    """Edit, in place, history the health components read and that carries no run stamp, each
    dated weeks before as_of (a connector re-sync of CRM, survey and billing records): a case is
    escalated, an NPS answer changes, a paid invoice is reopened unpaid, a completed meeting is
    logged on an old day and a customer's only sponsor contact is retitled (its touches stop
    counting). Returns {component: customer} for the
    customers whose component history changed."""
    window = (f"between date '{(as_of - timedelta(days=120)).isoformat()}' "
              f"and date '{(as_of - timedelta(days=30)).isoformat()}'")
    on_grid = "customer_id in (select customer_id from intermediate.int_health_customer_days)"
    accounts = "intermediate.int_accounts_rolled_up"
    case_id, support_customer = _one(execute, f"""
        select cases.case_id, accounts.customer_account_id
        from staging.stg_salesforce__cases as cases
        inner join {accounts} as accounts on cases.account_id = accounts.account_id
        where not coalesce(cases.is_escalated, false) and cast(cases.created_at as date) {window}
          and accounts.customer_account_id in (select customer_id from intermediate.int_health_customer_days)
        order by cases.case_id limit 1""", "case")
    execute(f"update salesforce.\"case\" set is_escalated = 'true' where id = '{case_id}'")
    response_id, sentiment_customer = _one(execute, f"""
        select response_id, customer_id from intermediate.int_survey_responses_mapped
        where survey_type = 'nps' and score >= 7 and cast(responded_at as date) {window} and {on_grid}
        order by response_id limit 1""", "NPS response")
    execute(f"update delighted.survey_response set score = '0' where id = '{response_id}'")
    invoice_id, financial_customer = _one(execute, f"""
        select invoices.invoice_id, customers.customer_id
        from staging.stg_stripe__invoices as invoices
        inner join intermediate.int_customers_resolved as customers
            on invoices.customer_id = customers.stripe_customer_id
        where invoices.status = 'paid' and cast(invoices.due_at as date) {window}
          and customers.customer_id in (select customer_id from intermediate.int_health_customer_days)
        order by invoices.invoice_id limit 1""", "paid invoice")
    execute(f"update stripe.invoice set status = 'open', amount_paid = '0' where id = '{invoice_id}'")
    account_id, engagement_customer = _one(execute, f"""
        select min(account_id), customer_account_id from {accounts}
        where customer_account_id in (select customer_id from intermediate.int_health_usage_daily
                                      where has_product_users)
        group by 2 order by 2 limit 1""", "CRM account of a customer with product users")
    meeting_day = (as_of - timedelta(days=40)).isoformat()
    execute(f"""insert into salesforce.task (id, account_id, who_id, type, subject, activity_date, status,
                                            is_deleted, _fivetran_synced)
                values ('tsk_incremental_meeting', '{account_id}', null, 'Meeting', 'QBR', '{meeting_day}',
                        'Completed', 'false', '{as_of.isoformat()} 12:00:00')""")
    sponsor = " or ".join(f"lower(contacts.title) like '%{k}%'"
                          for k in ("chief", "vp", "vice president", "director", "head of"))
    contact_id, relationship_customer = _one(execute, f"""
        select min(contacts.contact_id), accounts.customer_account_id
        from staging.stg_salesforce__contacts as contacts
        inner join {accounts} as accounts on contacts.account_id = accounts.account_id
        where ({sponsor})
          and accounts.customer_account_id in (select customer_id from intermediate.int_health_customer_days)
          and contacts.contact_id in (select contact_id from staging.stg_salesforce__tasks
                                      where status = 'Completed' and activity_date {window})
        group by 2 having count(*) = 1
        order by 2 limit 1""", "customer with one sponsor contact and sponsor touches")
    execute(f"update salesforce.contact set title = 'Analyst' where id = '{contact_id}'")
    return {"support": str(support_customer), "sentiment": str(sentiment_customer),
            "financial": str(financial_customer), "engagement": str(engagement_customer),
            "relationship": str(relationship_customer)}


def component_rows(execute: Execute, component: str, customer: str) -> list[tuple[Any, ...]]:
    """The customer's daily values of one health component (its score), in day order."""
    return execute(f"select date_day, {component}_score from intermediate.int_health_{component}_daily "
                   f"where customer_id = '{customer}' order by date_day")


# -- comparing the incremental warehouse with its full refresh ---------------------------------

COMPARED_INTERMEDIATES = ("staging.base_segment__tracks", "intermediate.int_product_events_daily",
                          "intermediate.int_health_usage_daily", "intermediate.int_health_customer_days",
                          *(f"intermediate.int_health_{c}_daily"
                            for c in ("adoption", "engagement", "sentiment", "support", "financial", "relationship")))
# When a row was written, not what it says: differs between the two warehouses by design.
RUN_STAMP_COLUMNS = ("loaded_at", "events_loaded_through")


def compared_relations(execute: Execute) -> list[str]:
    """The incremental models and every marts table (at least 20)."""
    marts = [f"marts.{name}" for (name,) in execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1")]
    assert len(marts) >= 20, marts
    return [*COMPARED_INTERMEDIATES, *marts]


def table_rows(execute: Execute, relation: str) -> list[tuple[Any, ...]]:
    """Every row of `relation` without the run-stamp columns, sorted."""
    schema, name = relation.split(".")
    columns = [c for (c,) in execute(
        "select column_name from information_schema.columns "
        f"where table_schema = '{schema}' and table_name = '{name}' order by ordinal_position")
        if c not in RUN_STAMP_COLUMNS]
    assert columns, f"{relation} has no columns"
    quoted = ", ".join(f'"{c}"' for c in columns)
    return sorted(execute(f"select {quoted} from {relation}"), key=repr)


def differences(relations: list[str], incremental: Execute, full: Execute) -> list[str]:
    """One line per relation whose rows differ, with up to three rows from each side."""
    differing = []
    for relation in relations:
        inc_rows, full_rows = table_rows(incremental, relation), table_rows(full, relation)
        if inc_rows != full_rows:
            only_inc = sorted(set(inc_rows) - set(full_rows), key=repr)[:3]
            only_full = sorted(set(full_rows) - set(inc_rows), key=repr)[:3]
            differing.append(f"{relation}: {len(inc_rows)} vs {len(full_rows)} rows; "
                             f"incremental only {only_inc}; full only {only_full}")
    return differing
