-- Numerator and denominator of every KPI, per plan × year, for the whole plan and per agency.
-- Definitions (one place): see the mart_kpi_targets description.
with

tip_counts as (

    select * from {{ ref('int_tip_kpi_counts') }}

),

task_completion as (

    select * from {{ ref('mart_task_completion') }}

),

target_counts as (

    select * from {{ ref('int_target_count_metrics') }}

),

tip_metrics as (

    select plan_id, report_year, agency_id, 'tip_acceptance_rate' as metric,
        tips_received_accepted as numerator, tips_received as denominator
    from tip_counts
    union all
    select plan_id, report_year, agency_id, 'tip_resolution_rate',
        tips_resolved, tips_to_resolve
    from tip_counts
    union all
    select plan_id, report_year, agency_id, 'criminal_sign_prosecution_rate',
        tips_prosecuted_with_signs, tips_resolved_with_signs
    from tip_counts

),

task_metrics as (

    -- tasks due in the year, completed on or before their due date
    select
        plan_id,
        report_year,
        agency_id,
        'task_on_time_rate' as metric,
        count(*) filter (where completed_on_time) as numerator,
        count(*) as denominator

    from task_completion
    where due_date between make_date(report_year, 1, 1) and make_date(report_year, 12, 31)
    group by plan_id, report_year, agency_id

),

count_metrics as (

    select plan_id, report_year, agency_id, metric, achieved as numerator, total as denominator
    from target_counts

),

per_agency as (

    select * from tip_metrics
    union all
    select * from task_metrics
    union all
    select * from count_metrics

),

per_plan as (

    select
        plan_id,
        report_year,
        null::varchar as agency_id,
        metric,
        sum(numerator)::bigint as numerator,
        sum(denominator)::bigint as denominator

    from per_agency
    group by plan_id, report_year, metric

),

final as (

    select 'plan' as scope, * from per_plan
    union all
    select 'agency' as scope, plan_id, report_year, agency_id, metric,
        numerator::bigint, denominator::bigint
    from per_agency

)

select * from final
