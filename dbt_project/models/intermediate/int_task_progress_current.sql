-- The latest progress line per plan × agency × task × year from workbooks still in force, among
-- the lines dated by the run's as-of date: a line counts from its completion date, or, without
-- one, from its workbook's report date (mart_rows_after_as_of lists the others).
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
    where coalesce(progress.completed_date, workbooks.report_date) <= {{ as_of_date() }}

),

final as (

    select * exclude (version_rank)
    from ranked
    where version_rank = 1

)

select * from final
