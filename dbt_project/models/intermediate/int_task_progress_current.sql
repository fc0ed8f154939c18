-- The latest progress line per plan × agency × task × year from workbooks still in force.
with

progress as (

    select * from {{ ref('stg_reports__task_progress') }}

),

workbooks as (

    select * from {{ ref('int_current_workbooks') }}

),

ranked as (

    select
        workbooks.plan_id,
        workbooks.agency_id,
        workbooks.agency_name,
        workbooks.report_year,
        workbooks.report_date,
        progress.*,
        row_number() over (
            partition by workbooks.plan_id, workbooks.agency_id, workbooks.report_year, progress.task_code
            order by workbooks.report_date desc, workbooks.file_modified_at desc, progress.row_number desc
        ) as version_rank

    from progress
    inner join workbooks on progress.workbook_id = workbooks.workbook_id

),

final as (

    select * exclude (version_rank)
    from ranked
    where version_rank = 1

)

select * from final
