with

documents as (

    select * from {{ ref('stg_plans__documents') }}

),

final as (

    select
        file_name,
        file_format,
        sha256,
        size_bytes,
        char_count,
        line_count,
        plan_id,
        document_role

    from documents

)

select * from final
