{#- Product events, one row per event id, event_at in UTC and plausible; anonymous
    events (null user_id) included. Rejected rows are in stg_segment__rejects. -#}

with

base as (

    select * from {{ ref('base_segment__tracks') }}

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
        loaded_at
    from base
    where reject_reason is null

)

select * from final
