with

source as (

    select * from {{ source('plans', 'plan_ingestion_errors') }}

),

renamed as (

    select
        'plans' as source_domain,
        file_name,
        stage,
        reason,
        true as is_refused

    from source

)

select * from renamed
