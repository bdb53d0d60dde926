{#- Every raw row is either staged or rejected (docs/architecture.md):
    count(raw) = count(stg) + count(rejects of that source_table), per raw table.
    Also fails for a source table declared in the project that the accounting
    does not cover (raw_table_staging_models in macros/raw_accounting.sql is
    missing it), so a new raw table cannot slip past the invariant. -#}

{%- set declared = [] -%}
{%- if execute -%}
    {%- for node in graph.sources.values() | sort(attribute='unique_id') -%}
        {%- if node.package_name == project_name -%}
            {%- set _ = declared.append(node.source_name ~ '.' ~ node.name) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif %}

with

accounting as (

    select * from {{ ref('stg_raw_row_accounting') }}

),

unbalanced as (

    select
        source_table,
        raw_rows,
        staged_rows,
        rejected_rows,
        'raw_rows <> staged_rows + rejected_rows' as problem
    from accounting
    where raw_rows <> staged_rows + rejected_rows

),

declared_sources as (

    {% for source_table in declared %}
    select '{{ source_table }}' as source_table
    {% if not loop.last %}union all{% endif %}
    {% else %}
    select cast(null as {{ dbt.type_string() }}) as source_table where 1 = 0
    {% endfor %}

),

not_accounted as (

    select
        declared_sources.source_table,
        cast(null as bigint) as raw_rows,
        cast(null as bigint) as staged_rows,
        cast(null as bigint) as rejected_rows,
        'declared source table missing from stg_raw_row_accounting' as problem
    from declared_sources
    left join accounting
        on declared_sources.source_table = accounting.source_table
    where accounting.source_table is null

)

select * from unbalanced
union all
select * from not_accounted
