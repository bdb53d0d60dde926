{#- Survey responses, one row per response id (its latest update), score on its
    type's scale and person known. Rejected rows are in stg_delighted__rejects. -#}

with

base as (

    select * from {{ ref('base_delighted__survey_response') }}

),

final as (

    select
        response_id,
        person_id,
        survey_type,
        score,
        comment,
        permalink,
        created_at,
        updated_at,
        synced_at
    from base
    where reject_reason is null

)

select * from final
