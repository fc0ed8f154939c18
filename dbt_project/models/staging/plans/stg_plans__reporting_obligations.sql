with

source as (

    select * from {{ source('plans', 'reporting_obligations') }}

),

renamed as (

    select
        plan_id || ':' || obligation_seq as obligation_key,
        plan_id,
        obligation_seq,
        reporter,
        recipient,
        due_text,
        kind as obligation_kind,
        due_day,
        due_month,
        due_date

    from source

)

select * from renamed
