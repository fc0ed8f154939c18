with

source as (

    select * from {{ source('reports', 'target_counts') }}

),

renamed as (

    select
        workbook_id || ':' || row_number as target_count_key,
        workbook_id,
        row_number,
        metric,
        total,
        achieved

    from source

)

select * from renamed
