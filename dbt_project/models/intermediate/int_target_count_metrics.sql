-- ChiTieu counts per plan × agency × year × metric, from the agency's latest current workbook
-- for that year (quarterly and annual workbooks may both list a metric: count it once) among
-- those dated by the run's as-of date.
with

counts as (

    select * from {{ ref('stg_reports__target_counts') }}

),

workbooks as (

    select * from {{ ref('int_current_workbooks') }}

),

ranked as (

    select
        workbooks.plan_id,
        workbooks.agency_id,
        workbooks.report_year,
        counts.metric,
        counts.total,
        counts.achieved,
        row_number() over (
            partition by workbooks.plan_id, workbooks.agency_id, workbooks.report_year, counts.metric
            order by workbooks.report_date desc, workbooks.file_modified_at desc, counts.row_number
        ) as version_rank

    from counts
    inner join workbooks on counts.workbook_id = workbooks.workbook_id
    where workbooks.report_date <= {{ as_of_date() }}

),

final as (

    select
        plan_id,
        agency_id,
        report_year,
        metric,
        total,
        achieved

    from ranked
    where version_rank = 1

)

select * from final
