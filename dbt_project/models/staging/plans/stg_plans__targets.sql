with

source as (

    select * from {{ source('plans', 'plan_targets') }}

),

renamed as (

    select
        plan_id || ':' || metric || ':' || coalesce(task_code, '-') as target_key,
        plan_id,
        metric,
        comparator,
        threshold,
        source_text,
        task_code

    from source

)

select * from renamed
