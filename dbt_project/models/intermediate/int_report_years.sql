-- The reporting years of each plan: the years its current workbooks report on that have begun by
-- the run's as-of date, each counted through the earlier of its end and the as-of date.
with

workbooks as (

    select * from {{ ref('int_current_workbooks') }}

),

final as (

    select distinct
        plan_id,
        report_year,
        make_date(report_year, 1, 1) as year_start,
        make_date(report_year, 12, 31) as year_end,
        least(make_date(report_year, 12, 31), {{ as_of_date() }}) as as_of_date

    from workbooks
    where make_date(report_year, 1, 1) <= {{ as_of_date() }}

)

select * from final
