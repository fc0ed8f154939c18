-- One row per tip (agency × Mã tin): an agency's registers overlap (quarterly and annual
-- reports list the same tips), so the tip's latest state, from the latest report, wins.
with

tips as (

    select * from {{ ref('stg_reports__tips') }}

),

workbooks as (

    select * from {{ ref('int_current_workbooks') }}

),

ranked as (

    select
        workbooks.plan_id,
        workbooks.agency_id,
        workbooks.agency_name,
        workbooks.report_date,
        tips.*,
        row_number() over (
            partition by workbooks.plan_id, workbooks.agency_id, tips.tip_code
            order by workbooks.report_date desc, workbooks.file_modified_at desc, workbooks.file_name desc
        ) as version_rank

    from tips
    inner join workbooks on tips.workbook_id = workbooks.workbook_id

),

final as (

    select
        plan_id || ':' || agency_id || ':' || tip_code as tip_key,
        * exclude (version_rank)

    from ranked
    where version_rank = 1

)

select * from final
