with

source as (

    select * from {{ source('plans', 'task_assignments') }}

),

renamed as (

    select
        plan_id || ':' || task_code || ':' || agency_id as assignment_key,
        plan_id || ':' || task_code as task_key,
        plan_id,
        task_code,
        agency_id,
        role,
        text_as_printed,
        note

    from source

)

select * from renamed
