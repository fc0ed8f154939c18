-- The reporting years of each plan: every year any current workbook reports on (from the plan's
-- issue year on: a plan that received nothing is then missing its reports, not left out), and
-- the years its own workbooks report on; only years begun by the run's as-of date, each counted
-- through the earlier of its end and the as-of date.
with

workbooks as (

    select * from {{ ref('int_current_workbooks') }}

),

plans as (

    select * from {{ ref('stg_plans__plans') }}

),

years as (

    select distinct report_year from workbooks

),

plan_years as (

    select plans.plan_id, years.report_year
    from plans
    cross join years
    where not plans.is_reference
        and years.report_year >= coalesce(plans.issue_year, years.report_year)

    union

    select plan_id, report_year from workbooks

),

final as (

    select
        plan_id,
        report_year,
        {{ stat_year_start('report_year') }} as year_start,
        {{ stat_year_end('report_year') }} as year_end,
        least({{ stat_year_end('report_year') }}, {{ as_of_date() }}) as as_of_date

    from plan_years
    where {{ stat_year_start('report_year') }} <= {{ as_of_date() }}

)

select * from final
