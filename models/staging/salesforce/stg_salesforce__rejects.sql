{#- Every raw salesforce row that staging did not keep, with the first failing rule
    (docs/architecture.md). Together with the stg_salesforce__* models it accounts
    for every raw row. Columns are cast to text so the union is type-stable. -#}

with

account_rejects as (

    select
        cast('salesforce.account' as {{ dbt.type_string() }}) as source_table,
        cast(source_row_key as {{ dbt.type_string() }}) as source_row_key,
        cast(reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(reject_detail as {{ dbt.type_string() }}) as reject_detail
    from {{ ref('base_salesforce__account') }}
    where reject_reason is not null

),

contact_rejects as (

    select
        cast('salesforce.contact' as {{ dbt.type_string() }}) as source_table,
        cast(source_row_key as {{ dbt.type_string() }}) as source_row_key,
        cast(reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(reject_detail as {{ dbt.type_string() }}) as reject_detail
    from {{ ref('base_salesforce__contact') }}
    where reject_reason is not null

),

user_rejects as (

    select
        cast('salesforce.user' as {{ dbt.type_string() }}) as source_table,
        cast(source_row_key as {{ dbt.type_string() }}) as source_row_key,
        cast(reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(reject_detail as {{ dbt.type_string() }}) as reject_detail
    from {{ ref('base_salesforce__user') }}
    where reject_reason is not null

),

opportunity_rejects as (

    select
        cast('salesforce.opportunity' as {{ dbt.type_string() }}) as source_table,
        cast(source_row_key as {{ dbt.type_string() }}) as source_row_key,
        cast(reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(reject_detail as {{ dbt.type_string() }}) as reject_detail
    from {{ ref('base_salesforce__opportunity') }}
    where reject_reason is not null

),

case_rejects as (

    select
        cast('salesforce.case' as {{ dbt.type_string() }}) as source_table,
        cast(source_row_key as {{ dbt.type_string() }}) as source_row_key,
        cast(reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(reject_detail as {{ dbt.type_string() }}) as reject_detail
    from {{ ref('base_salesforce__case') }}
    where reject_reason is not null

),

task_rejects as (

    select
        cast('salesforce.task' as {{ dbt.type_string() }}) as source_table,
        cast(source_row_key as {{ dbt.type_string() }}) as source_row_key,
        cast(reject_reason as {{ dbt.type_string() }}) as reject_reason,
        cast(reject_detail as {{ dbt.type_string() }}) as reject_detail
    from {{ ref('base_salesforce__task') }}
    where reject_reason is not null

),

final as (

    select * from account_rejects
    union all
    select * from contact_rejects
    union all
    select * from user_rejects
    union all
    select * from opportunity_rejects
    union all
    select * from case_rejects
    union all
    select * from task_rejects

)

select * from final
