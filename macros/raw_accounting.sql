{#- Raw row accounting: every raw row is either staged or rejected
    (docs/architecture.md, "Staging: base -> stg + rejects"). -#}

{#- The one map from raw table ('<source>.<table>') to the staging model that holds
    its usable rows, 1:1, as in docs/architecture.md's staging interface. A raw
    table's rejects are the rows of stg_<source>__rejects with that source_table. -#}
{% macro raw_table_staging_models() -%}
    {{ return({
        'salesforce.account': 'stg_salesforce__accounts',
        'salesforce.contact': 'stg_salesforce__contacts',
        'salesforce.user': 'stg_salesforce__users',
        'salesforce.opportunity': 'stg_salesforce__opportunities',
        'salesforce.case': 'stg_salesforce__cases',
        'salesforce.task': 'stg_salesforce__tasks',
        'stripe.customer': 'stg_stripe__customers',
        'stripe.product': 'stg_stripe__products',
        'stripe.price': 'stg_stripe__prices',
        'stripe.subscription_history': 'stg_stripe__subscription_versions',
        'stripe.subscription_item_history': 'stg_stripe__subscription_item_versions',
        'stripe.coupon': 'stg_stripe__coupons',
        'stripe.subscription_discount': 'stg_stripe__subscription_discounts',
        'stripe.invoice': 'stg_stripe__invoices',
        'segment.users': 'stg_segment__users',
        'segment.groups': 'stg_segment__groups',
        'segment.tracks': 'stg_segment__tracks',
        'delighted.person': 'stg_delighted__persons',
        'delighted.survey_response': 'stg_delighted__survey_responses',
    }) }}
{%- endmacro %}

{#- One row per raw table: source_table, raw_rows, staged_rows, rejected_rows,
    duplicate_rows (rejected as duplicate: normal at-least-once delivery) and
    rejected_share_excl_duplicates = (rejected - duplicate) / (raw - duplicate),
    0 for a table with no rows left after duplicates.
    table_models: the raw table -> staging model map (default
    raw_table_staging_models(); models pass it explicitly because sqlfluff's
    jinja templater cannot return a value from a macro called in the same file).
    source_names limits it to some sources (default: every source in the map).
    The map is static on purpose: the source()/ref() calls must happen at parse
    time for dbt to order the DAG, when `graph` is still empty. -#}
{% macro raw_row_accounting(table_models=none, source_names=none) -%}
    {%- set tables = [] -%}
    {%- set sources_used = [] -%}
    {%- if table_models is none -%}
        {%- set table_models = raw_table_staging_models() -%}
    {%- endif -%}
    {%- for source_table, staging_model in table_models.items() -%}
        {%- set source_name = source_table.split('.')[0] -%}
        {%- set table_name = source_table.split('.')[1] -%}
        {%- if source_names is none or source_name in source_names -%}
            {%- set _ = tables.append({
                'source_table': source_table,
                'source_name': source_name,
                'table_name': table_name,
                'staging_model': staging_model,
            }) -%}
            {%- if source_name not in sources_used -%}
                {%- set _ = sources_used.append(source_name) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor %}
with

raw_counts as (
{% for table in tables %}
    select
        '{{ table.source_table }}' as source_table,
        count(*) as raw_rows
    from {{ source(table.source_name, table.table_name) }}
{%- if not loop.last %}

    union all
{%- endif %}
{% endfor %}
),

staged_counts as (
{% for table in tables %}
    select
        '{{ table.source_table }}' as source_table,
        count(*) as staged_rows
    from {{ ref(table.staging_model) }}
{%- if not loop.last %}

    union all
{%- endif %}
{% endfor %}
),

rejects as (
{% for source_name in sources_used %}
    select
        source_table,
        reject_reason
    from {{ ref('stg_' ~ source_name ~ '__rejects') }}
{%- if not loop.last %}

    union all
{%- endif %}
{% endfor %}
),

reject_counts as (

    select
        source_table,
        count(*) as rejected_rows,
        count(case when reject_reason = 'duplicate' then 1 end) as duplicate_rows
    from rejects
    group by 1

),

counted as (

    select
        raw_counts.source_table,
        raw_counts.raw_rows,
        coalesce(staged_counts.staged_rows, 0) as staged_rows,
        coalesce(reject_counts.rejected_rows, 0) as rejected_rows,
        coalesce(reject_counts.duplicate_rows, 0) as duplicate_rows
    from raw_counts
    left join staged_counts
        on raw_counts.source_table = staged_counts.source_table
    left join reject_counts
        on raw_counts.source_table = reject_counts.source_table

),

final as (

    select
        source_table,
        raw_rows,
        staged_rows,
        rejected_rows,
        duplicate_rows,
        case
            when raw_rows - duplicate_rows > 0
                then cast(
                    cast(rejected_rows - duplicate_rows as decimal(38, 6)) / (raw_rows - duplicate_rows)
                    as decimal(38, 6)
                )
            else 0
        end as rejected_share_excl_duplicates
    from counted

)

select * from final
{%- endmacro %}
