with

source as (

    select * from {{ source('reports', 'report_ingestion_errors') }}

),

renamed as (

    select
        'reports' as source_domain,
        file_name,
        'read' as stage,
        reason

    from source

)

select * from renamed
