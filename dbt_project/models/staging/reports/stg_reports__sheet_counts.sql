with

source as (

    select * from {{ source('reports', 'report_sheet_counts') }}

),

renamed as (

    select
        workbook_id || ':' || sheet as sheet_key,
        workbook_id,
        file_name,
        sheet,
        rows_read,
        rows_loaded,
        rows_quarantined

    from source

)

select * from renamed
