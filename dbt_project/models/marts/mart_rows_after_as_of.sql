-- Report rows loaded but not counted, or counted only up to the run's as-of date, because they
-- are dated after it: per plan × current workbook × sheet. A row's date is its own where it has
-- one, else its workbook's report date:
--   ToGiac  a tip received, accepted or resolved after the as-of date (a later step is not counted);
--   TienDo  a progress line completed after it, or, with no completion date, sent after it;
--   XuLy, ChiTieu  figures of a workbook whose report date is after it.
-- The models that count these rows apply the same rules (int_tip_kpi_counts,
-- mart_tipoffs_monthly, int_task_progress_current, mart_enforcement_by_field,
-- int_target_count_metrics).
with

workbooks as (

    select * from {{ ref('int_current_workbooks') }}

),

tips as (

    select * from {{ ref('stg_reports__tips') }}

),

progress as (

    select * from {{ ref('stg_reports__task_progress') }}

),

enforcement as (

    select * from {{ ref('stg_reports__enforcement') }}

),

target_counts as (

    select * from {{ ref('stg_reports__target_counts') }}

),

row_dates as (

    select
        tips.workbook_id,
        'ToGiac' as sheet,
        greatest(tips.received_date, tips.accepted_date, tips.resolved_date) as row_date
    from tips

    union all

    select
        progress.workbook_id,
        'TienDo' as sheet,
        coalesce(progress.completed_date, workbooks.report_date) as row_date
    from progress
    inner join workbooks on progress.workbook_id = workbooks.workbook_id

    union all

    select
        enforcement.workbook_id,
        'XuLy' as sheet,
        workbooks.report_date as row_date
    from enforcement
    inner join workbooks on enforcement.workbook_id = workbooks.workbook_id

    union all

    select
        target_counts.workbook_id,
        'ChiTieu' as sheet,
        workbooks.report_date as row_date
    from target_counts
    inner join workbooks on target_counts.workbook_id = workbooks.workbook_id

),

after_as_of as (

    select
        workbook_id,
        sheet,
        count(*) as rows_after_as_of,
        min(row_date) as first_date,
        max(row_date) as last_date

    from row_dates
    where row_date > {{ as_of_date() }}
    group by workbook_id, sheet

),

final as (

    select
        workbooks.plan_id || ':' || workbooks.workbook_id || ':' || after_as_of.sheet
            as rows_after_key,
        workbooks.plan_id,
        workbooks.workbook_id,
        workbooks.file_name,
        workbooks.agency_id,
        workbooks.agency_name,
        workbooks.period,
        workbooks.report_year,
        workbooks.report_date,
        after_as_of.sheet,
        after_as_of.rows_after_as_of,
        after_as_of.first_date,
        after_as_of.last_date,
        {{ as_of_date() }} as as_of_date

    from after_as_of
    inner join workbooks on after_as_of.workbook_id = workbooks.workbook_id

)

select * from final
