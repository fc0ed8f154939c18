with

source as (

    select * from {{ source('reports', 'report_workbooks') }}

),

renamed as (

    select
        workbook_id,
        file_name,
        sha256,
        file_modified_at,
        agency_name_printed,
        agency_id,
        agency_name,
        agency_kind,
        plan_id,
        period,
        period_start,
        period_end,
        year(period_start) as report_year,
        report_date,
        prepared_by,
        is_superseded,
        superseded_by,
        rows_read,
        rows_loaded,
        rows_quarantined

    from source

)

select * from renamed
