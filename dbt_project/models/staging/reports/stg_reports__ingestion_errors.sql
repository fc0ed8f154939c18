with

source as (

    select * from {{ source('reports', 'report_ingestion_errors') }}

),

renamed as (

    select
        'reports' as source_domain,
        file_name,
        case when is_refused then 'read' else 'duplicate' end as stage,
        reason,
        is_refused

    from source

)

select * from renamed
