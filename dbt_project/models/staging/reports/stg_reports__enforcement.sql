with

source as (

    select * from {{ source('reports', 'enforcement') }}

),

renamed as (

    select
        workbook_id || ':' || row_number as enforcement_key,
        workbook_id,
        row_number,
        field,
        inspections,
        violations,
        administrative_cases,
        fines_vnd,
        tax_arrears_vnd,
        confiscated_sales_vnd,
        goods_value_vnd,
        prosecutions,
        defendants

    from source

)

select * from renamed
