{#- Helpers for the salesforce, segment and delighted staging models (any source
    may use them). Portable: standard SQL or dbt adapter calls only. -#}

{#- An optional raw column (`(opt)` in SOURCES.md) of source(source_name,
    table_name): the column when the raw table has it, else a typed null, so a
    warehouse without the column still builds (as Fivetran's packages fill missing
    staging columns). The raw table is found through the graph, else (unit tests,
    where the graph is empty and source() names the fixture, which has exactly the
    raw table's columns) as var('<source_name>_schema').<table_name> in the target
    database. When the table cannot be introspected (parse time, lint, not yet
    loaded) the column is assumed present. -#}
{% macro source_column_or_null(source_name, table_name, column_name, data_type='varchar') -%}
    {%- set found = true -%}
    {%- if execute -%}
        {#- namespace: a plain set inside the loop would not outlive it. A Spark
            target has no database (target.get: none, not undefined). -#}
        {%- set lookup = namespace(relation=api.Relation.create(
            database=target.get('database'), schema=var(source_name ~ '_schema'), identifier=table_name
        )) -%}
        {%- for node in (graph.get('sources') or {}).values() -%}
            {%- if node.source_name == source_name and node.name == table_name -%}
                {%- set lookup.relation = api.Relation.create(
                    database=node.database, schema=node.schema, identifier=node.identifier
                ) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set names = adapter.get_columns_in_relation(lookup.relation) | map(attribute='name') | map('lower') | list -%}
        {%- if names | length > 0 and column_name | lower not in names -%}
            {%- set found = false -%}
        {%- endif -%}
    {%- endif -%}
    {%- if found -%}
        {{ column_name }}
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{#- Any value as text for a reject_detail message; null renders as 'null' so the
    message never collapses to null under ||. -#}
{% macro detail_text(expression) -%}
    coalesce(cast({{ expression }} as {{ dbt.type_string() }}), 'null')
{%- endmacro %}

{#- The whole select of a stg_<source>__rejects model: every row of each base model
    whose reject_reason is set, labelled with its raw table, stacked into one union.
    base_models: a list of [raw table label ('stripe.invoice'), base model name]. The
    columns are cast to text so the union is type-stable on every engine. -#}
{% macro staging_rejects_union(base_models) -%}
with

{% for source_table, model_name in base_models %}
{{ model_name }}_rejects as (

    select
        cast('{{ source_table }}' as {{ dbt.type_string() }}) as source_table,
        cast(source_row_key as {{ dbt.type_string() }}) as source_row_key,
        cast(reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(reject_detail as {{ dbt.type_string() }}) as reject_detail
    from {{ ref(model_name) }}
    where reject_reason is not null

),

{% endfor %}
final as (

    {%- for source_table, model_name in base_models %}
    select * from {{ model_name }}_rejects
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select * from final
{%- endmacro %}
