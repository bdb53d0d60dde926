{#- Survey respondents, one row per person id; email normalised so it matches CRM
    contact emails. Rejected rows are in stg_delighted__rejects. -#}

with

base as (

    select * from {{ ref('base_delighted__person') }}

),

final as (

    select
        person_id,
        email,
        person_name,
        created_at,
        synced_at
    from base
    where reject_reason is null

)

select * from final
