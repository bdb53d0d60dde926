{#- Every raw segment.tracks row (product events), typed and renamed, with its
    reject verdict. Delivery is at-least-once and client clocks can be wrong
    (SOURCES.md). Anonymous events (no user_id) are kept.

    Incremental (docs/architecture.md, "Incremental refresh"): strategy
    delete+insert keyed on dedup_key, the event id (or, for a row without one,
    its raw received_at text). A run re-judges every raw row whose key appears
    among the rows received on or after the cutoff, plus every row whose
    received_at is missing or does not parse; all rows of such a key are in the
    batch, so the dedup ranking (the latest received_at wins) sees exactly what a
    full build sees, and the key's old rows are replaced. The cutoff is the
    latest received_at already processed (not after as_of_date + 1 day, so a
    garbage future arrival cannot move it) minus var
    events_incremental_lookback_days days. Raw tracks are append-only (the
    connector's contract); a reload that removes or rewrites raw rows needs
    --full-refresh, and stg_raw_row_accounting's test fails until it gets one.
    Every row a run writes carries the run's start as loaded_at, which scopes the
    event-id uniqueness test to the rows written since it last passed (macro
    latest_batch_hash_filter).
    Spark has no delete+insert: there the model stays a table (dbt_project.yml). -#}

{%- set is_refresh = incremental_relation_has_column('dedup_key') %}

-- sqlfluff:indentation:template_blocks_indent:false

{#- DuckDB materialises a CTE that is read more than once: the raw table must never
    be one (57M rows x 10 text columns spilled 18 GB at 10k customers). The readers
    below scan `tracks_in_scope`: the raw table itself on a full build, the small
    batch of recent keys on an incremental one. -#}
{%- set typed %}
        -- ids
        {{ clean_text('id') }} as event_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,

        -- strings
        {{ clean_text('event') }} as event_name,
        {{ clean_text('event_text') }} as event_text,
        {{ clean_text(source_column_or_null('segment', 'tracks', 'context_ip')) }} as context_ip,

        -- timestamps (any UTC offset -> naive UTC)
        {{ to_utc_timestamp('timestamp') }} as event_at,
        {{ to_utc_timestamp('original_timestamp') }} as original_at,
        {{ to_utc_timestamp('sent_at') }} as sent_at,
        {{ to_utc_timestamp('received_at') }} as received_at,

        -- raw text, for the reject details
        {{ clean_text('timestamp') }} as raw_timestamp,
        {{ clean_text('received_at') }} as raw_received_at
{%- endset %}

{%- set tracks_in_scope = 'source_in_scope' if is_refresh else source('segment', 'tracks') %}

{#- The same skip as `arrivals` below, as a literal computed before the run (None on a
    full build or an empty table), so the engine filters the raw scan itself instead of
    typing 57M rows first: 10k bench, 9.1 s -> 6.0 s for the batch query. -#}
{%- set arrival_floor = segment_tracks_arrival_floor() if is_refresh else none %}

with

{% if is_refresh %}

{# Its own import (not `source`): a CTE read twice is materialised whole. #}
raw_arrivals as (

    select
        id,
        received_at
    from {{ source('segment', 'tracks') }}
    {%- if arrival_floor %}
    where
        received_at is null
        or not (
            cast(received_at as {{ dbt.type_string() }}) like '____-__-__%'
            and cast(received_at as {{ dbt.type_string() }}) < '{{ arrival_floor }}'
        )
    {%- endif %}

),

processed_watermark as (

    select max(received_at) as max_received_at
    from {{ this }}
    where received_at <= {{ dbt.dateadd('day', 1, as_of_date()) }}

),

{# Parsing every raw received_at is most of a run's cost: rows whose text starts
   with an ISO date before the cutoff's day minus one (no UTC offset reaches a
   day) are certainly older and skipped unparsed; the rest are parsed. A row
   without received_at text is always in the batch (re-judged every run). #}
arrivals as (

    select
        {{ segment_tracks_dedup_key(clean_text('raw_arrivals.id'), clean_text('raw_arrivals.received_at')) }}
            as dedup_key,
        {{ to_utc_timestamp('raw_arrivals.received_at') }} as received_at
    from raw_arrivals
    cross join processed_watermark
    where
        processed_watermark.max_received_at is null
        or {{ clean_text('raw_arrivals.received_at') }} is null
        or not (
            {{ clean_text('raw_arrivals.received_at') }} like '____-__-__%'
            and substring({{ clean_text('raw_arrivals.received_at') }}, 1, 10) < cast(cast({{ dbt.dateadd(
                'day', -1 - var('events_incremental_lookback_days') | int, 'processed_watermark.max_received_at'
            ) }} as date) as {{ dbt.type_string() }})
        )

),

recent_keys as (

    select distinct arrivals.dedup_key
    from arrivals
    cross join processed_watermark
    where
        arrivals.received_at is null
        or processed_watermark.max_received_at is null
        or arrivals.received_at >= {{ dbt.dateadd(
            'day', -1 * var('events_incremental_lookback_days') | int, 'processed_watermark.max_received_at'
        ) }}

),

{# Rows of the keys in the batch. A clean raw id (no surrounding space) is its own
   key, so the common case skips the key expression. #}
source_in_scope as (

    select source.*
    from {{ source('segment', 'tracks') }} as source
    inner join recent_keys
        on
            recent_keys.dedup_key = case
                when source.id is null or source.id = '' or source.id like ' %' or source.id like '% '
                    then {{ segment_tracks_dedup_key(clean_text('source.id'), clean_text('source.received_at')) }}
                else source.id
            end

),

{% endif %}

{# Dedup rank: only ids that occur more than once go through the window (a sort
   of the whole wide table was ~80 % of a build of this model; repeats are rare).
   Repeats are found by a 64-bit hash of the id, so the hash table holds integers,
   not 57M strings; a collision only sends a few unique ids through the window,
   which partitions by the id itself. Id-less rows get rank 1: null_key is judged
   before duplicate. #}
repeated_id_hashes as (

    select {{ fast_hash(clean_text('id')) }} as id_hash
    from {{ tracks_in_scope }}
    where {{ clean_text('id') }} is not null
    group by 1
    having count(*) > 1

),

single_rows as (

    select
        {{ typed }},
        1 as key_rank
    from {{ tracks_in_scope }}
    left join repeated_id_hashes
        on {{ fast_hash(clean_text('id')) }} = repeated_id_hashes.id_hash
    where repeated_id_hashes.id_hash is null

),

repeated_rows_typed as (

    select
        {{ typed }}
    from {{ tracks_in_scope }}
    inner join repeated_id_hashes
        on {{ fast_hash(clean_text('id')) }} = repeated_id_hashes.id_hash

),

repeated_rows as (

    select
        *,
        row_number() over (
            partition by event_id
            order by received_at desc nulls last, event_at desc nulls last
        ) as key_rank
    from repeated_rows_typed

),

ranked as (

    select * from single_rows
    union all
    select * from repeated_rows

),

{# Rules in order: null_key, duplicate (latest received_at wins),
    invalid_timestamp (event time or received time missing or unparseable),
    future_timestamp (client clock ahead of the server by more than the
    tolerance), implausible_timestamp (client clock reset, e.g. 1970). #}
checked as (

    select
        *,
        case when event_id is null then 'id is null or empty' end as null_key_detail,
        case
            when key_rank > 1
                then 'id=' || event_id || ' repeated; the row with the latest received_at wins'
        end as duplicate_detail,
        case
            when event_at is null
                then 'timestamp=' || {{ detail_text('raw_timestamp') }} || ' is missing or does not parse'
            when received_at is null
                then 'received_at=' || {{ detail_text('raw_received_at') }} || ' is missing or does not parse'
        end as invalid_timestamp_detail,
        case
            when event_at > {{ dbt.dateadd('hour', var('future_timestamp_tolerance_hours'), 'received_at') }}
                then
                    'timestamp='
                    || cast(event_at as {{ dbt.type_string() }})
                    || ' (UTC) is more than {{ var("future_timestamp_tolerance_hours") }}h after received_at='
                    || cast(received_at as {{ dbt.type_string() }})
        end as future_timestamp_detail,
        case
            when event_at < cast('{{ var("earliest_plausible_date") }}' as timestamp)
                then
                    'timestamp='
                    || cast(event_at as {{ dbt.type_string() }})
                    || ' (UTC) is before {{ var("earliest_plausible_date") }}'
        end as implausible_timestamp_detail
    from ranked

),

final as (

    select
        event_id,
        user_id,
        anonymous_id,
        event_name,
        event_text,
        context_ip,
        event_at,
        original_at,
        sent_at,
        received_at,
        event_id as source_row_key,
        {{ segment_tracks_dedup_key('event_id', 'raw_received_at') }} as dedup_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
            when invalid_timestamp_detail is not null then 'invalid_timestamp'
            when future_timestamp_detail is not null then 'future_timestamp'
            when implausible_timestamp_detail is not null then 'implausible_timestamp'
        end as reject_reason,
        coalesce(
            null_key_detail,
            duplicate_detail,
            invalid_timestamp_detail,
            future_timestamp_detail,
            implausible_timestamp_detail
        ) as reject_detail,
        {{ run_started_at_timestamp() }} as loaded_at
    from checked

)

select * from final
