{#- Every usable Delighted survey response given on or before as_of_date with
    the customer it speaks for (SOURCES.md: person.email = CRM contact.email,
    case- and whitespace-insensitive; staging lower-cases and trims both).

    Decisions where METRICS.md is silent:
    * Respondent -> customer: first the CRM contact with the person's e-mail
      whose account rolls up to a customer (int_accounts_rolled_up); failing
      that, the product (Segment) user with that e-mail mapped to a customer
      (in-app NPS goes to product users who are often not CRM contacts).
      Several candidates of one kind: the latest created wins (tie: the
      greatest id). match_status says which path matched or why none did:
      contact, product_user, contact_account_unknown (a contact exists but its
      account is not in salesforce.account and no product user matches),
      no_email, unmatched. Unmatched responses are kept with customer_id null.
    * The mapping is today's (the CRM keeps no history of who worked where).
    * responded_at is the response's created_at (an update changes the score,
      not when the customer answered); nothing answered after as_of_date. -#}

with

responses as (

    select
        response_id,
        person_id,
        survey_type,
        score,
        comment,
        permalink,
        created_at,
        updated_at
    from {{ ref('stg_delighted__survey_responses') }}
    where created_at < cast({{ dbt.dateadd('day', 1, as_of_date()) }} as timestamp)

),

persons as (

    select
        person_id,
        email
    from {{ ref('stg_delighted__persons') }}

),

contacts as (

    select
        contact_id,
        account_id,
        email,
        created_at
    from {{ ref('stg_salesforce__contacts') }}
    where email is not null

),

accounts as (

    select
        account_id,
        customer_account_id
    from {{ ref('int_accounts_rolled_up') }}

),

product_users as (

    select
        user_id,
        user_email,
        account_id,
        customer_id,
        user_created_at
    from {{ ref('int_segment_users_mapped') }}
    where user_email is not null

),

{# One contact per e-mail: a contact whose account resolves first, then the
    latest created, then the greatest id. #}
contacts_ranked as (

    select
        contacts.email,
        contacts.contact_id,
        contacts.account_id,
        accounts.customer_account_id as customer_id,
        row_number() over (
            partition by contacts.email
            order by
                case when accounts.customer_account_id is not null then 0 else 1 end,
                contacts.created_at desc nulls last,
                contacts.contact_id desc
        ) as contact_rank
    from contacts
    left join accounts
        on contacts.account_id = accounts.account_id

),

contact_per_email as (

    select
        email,
        contact_id,
        account_id,
        customer_id
    from contacts_ranked
    where contact_rank = 1

),

{# One mapped product user per e-mail: latest created, then greatest id. #}
product_users_ranked as (

    select
        user_email,
        user_id,
        account_id,
        customer_id,
        row_number() over (
            partition by user_email
            order by user_created_at desc nulls last, user_id desc
        ) as user_rank
    from product_users
    where customer_id is not null

),

product_user_per_email as (

    select
        user_email,
        user_id,
        account_id,
        customer_id
    from product_users_ranked
    where user_rank = 1

),

final as (

    select
        responses.response_id,
        responses.person_id,
        persons.email as respondent_email,
        contact_per_email.contact_id,
        case
            when contact_per_email.customer_id is null then product_user_per_email.user_id
        end as product_user_id,
        case
            when contact_per_email.customer_id is not null then contact_per_email.account_id
            else product_user_per_email.account_id
        end as account_id,
        coalesce(contact_per_email.customer_id, product_user_per_email.customer_id) as customer_id,
        case
            when contact_per_email.customer_id is not null then 'contact'
            when product_user_per_email.customer_id is not null then 'product_user'
            when contact_per_email.contact_id is not null then 'contact_account_unknown'
            when persons.email is null then 'no_email'
            else 'unmatched'
        end as match_status,
        responses.survey_type,
        responses.score,
        responses.comment,
        responses.permalink,
        responses.created_at as responded_at,
        responses.updated_at
    from responses
    left join persons
        on responses.person_id = persons.person_id
    left join contact_per_email
        on persons.email = contact_per_email.email
    left join product_user_per_email
        on persons.email = product_user_per_email.user_email

)

select * from final
