with

source as (

    select * from {{ source('reports', 'task_progress') }}

),

renamed as (

    select
        workbook_id || ':' || row_number as progress_key,
        workbook_id,
        row_number,
        task_code,
        status,
        completed_date,
        output_document,
        note

    from source

)

select * from renamed
