with

source as (

    select * from {{ source('reports', 'quarantine') }}

),

renamed as (

    select
        workbook_id,
        file_name,
        sheet,
        row_number,
        column_name,
        column_header,
        value as offending_value,
        rule,
        reason_vi,
        reason_en

    from source

)

select * from renamed
