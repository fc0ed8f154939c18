with

source as (

    select * from {{ source('plans', 'plan_review_changes') }}

),

renamed as (

    select
        plan_id,
        task_code,
        case when task_code is not null then plan_id || ':' || task_code end as task_key,
        field,
        extracted_value,
        reviewed_value,
        review_file,
        reviewed_at

    from source

)

select * from renamed
