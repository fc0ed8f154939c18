with

source as (

    select * from {{ source('plans', 'plan_documents') }}

),

renamed as (

    select
        file_name,
        file_format,
        sha256,
        size_bytes,
        char_count,
        line_count,
        modified_at,
        ingested_at

    from source

)

select * from renamed
