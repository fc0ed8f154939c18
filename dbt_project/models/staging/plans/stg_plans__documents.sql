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
        plan_id,
        document_role

    from source

)

select * from renamed
