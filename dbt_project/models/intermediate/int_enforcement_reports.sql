-- Each agency's XuLy figures as sent: one row per current workbook × field, for the period the
-- workbook covers (its own period: flows, not running totals). Figures sent after the run's
-- as-of date are not counted (mart_rows_after_as_of lists them).
with

enforcement as (

    select * from {{ ref('stg_reports__enforcement') }}

),

workbooks as (

    select * from {{ ref('int_current_workbooks') }}

),

final as (

    select
        workbooks.plan_id,
        workbooks.agency_id,
        workbooks.agency_name,
        enforcement.field,
        workbooks.report_year,
        workbooks.period_kind,
        workbooks.period,
        workbooks.first_month,
        workbooks.last_month,
        (date_diff('month', workbooks.first_month, workbooks.last_month) + 1)::bigint
            as months_covered,
        workbooks.file_name,
        workbooks.report_date,
        {%- for m in enforcement_measures() %}
        enforcement.{{ m }}{{ ',' if not loop.last }}
        {%- endfor %}
    from enforcement
    inner join workbooks on enforcement.workbook_id = workbooks.workbook_id
    where workbooks.report_date <= {{ as_of_date() }}

)

select * from final
