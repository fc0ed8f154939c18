with

quarantine as (

    select * from {{ ref('stg_reports__quarantine') }}

),

workbooks as (

    select * from {{ ref('stg_reports__workbooks') }}

),

final as (

    select
        quarantine.file_name,
        workbooks.plan_id,
        workbooks.agency_id,
        workbooks.agency_name,
        workbooks.period,
        workbooks.is_superseded,
        quarantine.sheet,
        quarantine.row_number,
        quarantine.column_name,
        quarantine.column_header,
        quarantine.offending_value,
        quarantine.rule,
        quarantine.reason_vi,
        quarantine.reason_en

    from quarantine
    left join workbooks on quarantine.workbook_id = workbooks.workbook_id

)

select * from final
