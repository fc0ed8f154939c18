with

source as (

    select * from {{ source('plans', 'national_solution_groups') }}

),

renamed as (

    select
        group_code as national_group_code,
        title as national_group_title,
        plan_id as national_plan_id

    from source

)

select * from renamed
