with

source as (

    select * from {{ source('reports', 'tips') }}

),

renamed as (

    select
        workbook_id || ':' || row_number as tip_row_key,
        workbook_id,
        row_number,
        tip_code,
        received_date,
        channel,
        tip_type,
        field,
        accepted_date,
        resolved_date,
        outcome,
        criminal_signs = 'yes' as has_criminal_signs,
        informant_hash,
        informant_phone_hash

    from source

)

select * from renamed
