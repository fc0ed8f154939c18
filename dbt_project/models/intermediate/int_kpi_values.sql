-- Numerator and denominator of every KPI, per plan × year, for the whole plan, per agency, and
-- for the plan's tree (the plan with every plan below it: tips from int_tree_tip_kpi_counts, a
-- transferred tip counted once; the other KPIs summed over the tree's plans).
-- Definitions (one place): see the mart_kpi_targets description.
with

tip_counts as (

    select * from {{ ref('int_tip_kpi_counts') }}

),

task_completion as (

    select * from {{ ref('mart_task_completion') }}

),

tree_tip_counts as (

    select * from {{ ref('int_tree_tip_kpi_counts') }}

),

tree as (

    select * from {{ ref('int_plan_tree') }}

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
    where due_date between {{ stat_year_start('report_year') }} and {{ stat_year_end('report_year') }}
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

tree_tip_metrics as (

    select plan_id, report_year, 'tip_acceptance_rate' as metric,
        tips_received_accepted as numerator, tips_received as denominator
    from tree_tip_counts
    union all
    select plan_id, report_year, 'tip_resolution_rate', tips_resolved, tips_to_resolve
    from tree_tip_counts
    union all
    select plan_id, report_year, 'criminal_sign_prosecution_rate',
        tips_prosecuted_with_signs, tips_resolved_with_signs
    from tree_tip_counts

),

tree_other_metrics as (

    select
        tree.tree_plan_id as plan_id,
        per_plan.report_year,
        per_plan.metric,
        sum(per_plan.numerator)::bigint as numerator,
        sum(per_plan.denominator)::bigint as denominator
    from per_plan
    inner join tree on per_plan.plan_id = tree.plan_id
    where per_plan.metric not in (
        'tip_acceptance_rate', 'tip_resolution_rate', 'criminal_sign_prosecution_rate'
    )
    group by tree.tree_plan_id, per_plan.report_year, per_plan.metric

),

leaf_tip_metrics as (

    -- a plan with no plan below it is its own tree
    select plan_id, report_year, metric, numerator, denominator
    from per_plan
    where metric in ('tip_acceptance_rate', 'tip_resolution_rate', 'criminal_sign_prosecution_rate')
        and plan_id not in (select plan_id from tree_tip_counts)

),

per_tree as (

    select plan_id, report_year, null::varchar as agency_id, metric,
        numerator::bigint as numerator, denominator::bigint as denominator
    from tree_tip_metrics
    union all
    select plan_id, report_year, null::varchar, metric, numerator::bigint, denominator::bigint
    from leaf_tip_metrics
    union all
    select plan_id, report_year, null::varchar, metric, numerator, denominator
    from tree_other_metrics

),

final as (

    select 'plan' as scope, * from per_plan
    union all
    select 'tree' as scope, * from per_tree
    union all
    select 'agency' as scope, plan_id, report_year, agency_id, metric,
        numerator::bigint, denominator::bigint
    from per_agency

)

select * from final
