{#- The built-in `unique` test, in two passes: count rows per 64-bit hash of the value
    (a hash table of integers), then count the real values of the hashes seen more
    than once. Same rows returned as dbt's test (unique_field, n_records); a hash
    collision only makes the second pass re-check a few distinct values. On a 57M-row
    event id column the one-pass test kept a hash table of every string (59 s, GBs of
    memory at 10k customers). Overrides dbt's `unique` test on every engine; the extra
    argument batch_column (optional) scopes it to the latest batch of an incremental
    model (latest_batch_hash_filter below). -#}
{% test unique(model, column_name, batch_column=none) %}
    {{ default__test_unique(model, column_name, batch_column) }}
{% endtest %}

{% macro default__test_unique(model, column_name, batch_column=none) %}

{%- set value_hash = fast_hash('cast(' ~ column_name ~ ' as ' ~ dbt.type_string() ~ ')') %}

with

repeated_hashes as (

    select {{ value_hash }} as value_hash
    from {{ model }}
    where
        {{ column_name }} is not null
        {{- latest_batch_hash_filter(model, value_hash, batch_column, batch_test_key('unique', column_name)) }}
    group by 1
    having count(*) > 1

),

candidates as (

    select {{ column_name }} as unique_field
    from {{ model }}
    where
        {{ column_name }} is not null
        and {{ value_hash }} in (
            select value_hash from repeated_hashes
        )

)

select
    unique_field,
    count(*) as n_records
from candidates
group by unique_field
having count(*) > 1

{% endmacro %}

{#- The scope of a uniqueness test given batch_column, the run stamp of an incremental
    model (loaded_at: every row a run writes carries the run's start). Only values (hashes)
    found among the rows stamped after the last run in which this same test passed are
    counted, against every row of the table: a duplicate brought in since then (a new row
    repeating a new or an old one) fails the test, however many runs ago it arrived. Rows
    stamped at or before that run were all in the table when the test passed on it, so
    two of them cannot repeat each other.
    The passing runs are recorded by the on-run-end hook record_validated_batches (table
    audit.dbt_validated_batches, in the warehouse itself, so a restored or copied file
    keeps the records that match its rows). A failed test records nothing: the next run
    checks the same rows again, whether or not anyone published or fixed the failed one.
    Without a record (a first build, a warehouse built before the hook, Spark), or when
    the table holds no row older than the record (a full refresh restamps every row),
    every value is checked. The record is read when the test runs, so the stamp is a
    literal the engine can skip row groups by. On the 10k bench the two event-table
    tests took 23 s of a 131 s incremental build, almost all of it re-counting history
    the run had not changed. test_key names the test (batch_test_key). Emits nothing
    without batch_column, or when the table does not exist yet (`dbt compile` of an
    empty warehouse). -#}
{% macro latest_batch_hash_filter(model, hash_expression, batch_column, test_key) -%}
    {%- if batch_column and execute and load_relation(model) is not none %}
        {%- set validated = validated_batch_stamp(model.identifier, test_key) %}
        {%- if validated is not none %}
            {%- set earliest = run_query(
                'select min(' ~ batch_column ~ ') from ' ~ model
            ).rows[0][0] %}
            {%- if earliest is not none and earliest <= validated %}
        and {{ hash_expression }} in (
            select {{ hash_expression }}
            from {{ model }}
            where {{ batch_column }} > cast('{{ validated }}' as {{ dbt.type_timestamp() }})
        )
            {%- endif %}
        {%- endif %}
    {%- endif %}
{%- endmacro %}

{#- A uniqueness test's name in audit.dbt_validated_batches: the test and its column(s). -#}
{% macro batch_test_key(test_name, columns) -%}
    {{- test_name }}:{{ columns if columns is string else columns | join(',') -}}
{%- endmacro %}

{#- The latest run stamp at which the test test_key on model model_name passed; none
    when there is no record (or no record table). -#}
{% macro validated_batch_stamp(model_name, test_key) %}
    {%- set records = adapter.get_relation(
        database=target.database, schema='audit', identifier='dbt_validated_batches'
    ) %}
    {%- if records is none %}
        {{- return(none) }}
    {%- endif %}
    {%- set stamp = run_query(
        "select max(validated_stamp) from " ~ records
        ~ " where model_name = '" ~ model_name ~ "' and test_key = '" ~ test_key ~ "'"
    ).rows[0][0] %}
    {{- return(stamp) }}
{% endmacro %}

{#- on-run-end (dbt_project.yml): records, for every uniqueness test with a batch_column
    that passed in this run, the run's stamp (the loaded_at this run writes) in
    audit.dbt_validated_batches; latest_batch_hash_filter scopes the next runs by it.
    Returns the SQL for dbt to run (nothing when no such test passed). Not on Spark,
    whose event tables are rebuilt in full every run (dbt_project.yml). -#}
{% macro record_validated_batches(results) %}
    {%- set records = [] %}
    {%- if execute and target.type != 'spark' %}
        {%- for result in results
            if result.node.resource_type == 'test'
            and result.status == 'pass'
            and result.node.test_metadata is defined
            and result.node.test_metadata is not none
            and result.node.test_metadata.kwargs.get('batch_column') %}
            {%- set kwargs = result.node.test_metadata.kwargs %}
            {%- do records.append(
                "('" ~ graph.nodes[result.node.attached_node].alias ~ "', '"
                ~ batch_test_key(
                    result.node.test_metadata.name,
                    kwargs.get('column_name') or kwargs.get('combination_of_columns')
                ) ~ "', " ~ run_started_at_timestamp() ~ ")"
            ) %}
        {%- endfor %}
    {%- endif %}
    {%- if records %}
create schema if not exists audit;
create table if not exists audit.dbt_validated_batches (
    model_name {{ dbt.type_string() }},
    test_key {{ dbt.type_string() }},
    validated_stamp {{ dbt.type_timestamp() }}
);
insert into audit.dbt_validated_batches (model_name, test_key, validated_stamp)
values {{ records | join(', ') }}
    {%- endif %}
{% endmacro %}
