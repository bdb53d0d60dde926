{#- Every raw delighted.survey_response row, typed and renamed, with its reject
    verdict. A response can be updated: the row with the latest updated_at wins
    (then the latest _fivetran_synced). `comment` is the interface's column name
    (docs/architecture.md), hence the RF04 noqa. -#}

with

source as (

    select * from {{ source('delighted', 'survey_response') }}

),

{# The respondents that exist in the raw source (any non-empty id, duplicates
    included): a response is an orphan only when its person is in no raw row. #}
known_persons as (

    select distinct {{ clean_text('id') }} as person_id
    from {{ source('delighted', 'person') }}
    where {{ clean_text('id') }} is not null

),

renamed as (

    select
        -- ids
        {{ clean_text('id') }} as response_id,
        {{ clean_text('person_id') }} as person_id,

        -- strings
        lower({{ clean_text('survey_type') }}) as survey_type,
        {{ clean_text('comment') }} as comment,  -- noqa: RF04
        {{ clean_text('permalink') }} as permalink,

        -- numerics
        {{ try_cast_whole_number('score', 'integer') }} as score,

        -- timestamps
        {{ to_utc_timestamp('created_at') }} as created_at,
        {{ to_utc_timestamp('updated_at') }} as updated_at,
        {{ to_utc_timestamp('_fivetran_synced') }} as synced_at,

        -- raw text, for the reject details
        {{ clean_text('score') }} as raw_score

    from source

),

ranked as (

    select
        renamed.*,
        known_persons.person_id is not null as is_known_person,
        row_number() over (
            partition by renamed.response_id
            order by renamed.updated_at desc nulls last, renamed.synced_at desc nulls last
        ) as key_rank
    from renamed
    left join known_persons
        on renamed.person_id = known_persons.person_id

),

{# Rules in order: null_key, duplicate (latest updated_at, then latest
    _fivetran_synced wins), invalid_value (score missing or not a number),
    score_out_of_range (outside the type's scale, fractional, or unknown survey
    type), orphan_reference (person_id in no raw delighted.person row). #}
checked as (

    select
        *,
        case when response_id is null then 'id is null or empty' end as null_key_detail,
        case
            when key_rank > 1
                then
                    'id='
                    || response_id
                    || ' repeated; the row with the latest updated_at (then _fivetran_synced) wins'
        end as duplicate_detail,
        case
            when {{ try_cast_as('raw_score', 'decimal(38, 6)') }} is null
                then 'score=' || {{ detail_text('raw_score') }} || ' is missing or not a number'
        end as invalid_value_detail,
        case
            when survey_type is null or survey_type not in ('nps', 'csat', 'ces')
                then 'survey_type=' || {{ detail_text('survey_type') }} || ' is not nps, csat or ces'
            when survey_type = 'nps' and coalesce(score not between 0 and 10, true)
                then 'score=' || raw_score || ' outside nps 0-10'
            when survey_type = 'csat' and coalesce(score not between 1 and 5, true)
                then 'score=' || raw_score || ' outside csat 1-5'
            when survey_type = 'ces' and coalesce(score not between 1 and 7, true)
                then 'score=' || raw_score || ' outside ces 1-7'
        end as score_out_of_range_detail,
        case
            when not is_known_person
                then 'person_id=' || {{ detail_text('person_id') }} || ' not in delighted.person'
        end as orphan_reference_detail
    from ranked

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
        synced_at,
        response_id as source_row_key,
        case
            when null_key_detail is not null then 'null_key'
            when duplicate_detail is not null then 'duplicate'
            when invalid_value_detail is not null then 'invalid_value'
            when score_out_of_range_detail is not null then 'score_out_of_range'
            when orphan_reference_detail is not null then 'orphan_reference'
        end as reject_reason,
        coalesce(
            null_key_detail,
            duplicate_detail,
            invalid_value_detail,
            score_out_of_range_detail,
            orphan_reference_detail
        ) as reject_detail
    from checked

)

select * from final
