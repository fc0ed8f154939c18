-- One row per plan × reporting year, for following a tree from commune to province to country:
-- the plan's place in the tree, its own KPIs next to its tree's, its reporting compliance and
-- its overdue tasks, and whether it is behind (a KPI below its threshold, a report missing or a
-- task overdue). "Which communes of my province are behind": filter on province_code (or
-- parent_plan_id), level = 'commune' and is_behind.
with

plans as (

    select * from {{ ref('stg_plans__plans') }}

),

report_years as (

    select * from {{ ref('int_report_years') }}

),

kpis as (

    select * from {{ ref('mart_kpi_targets') }}

),

compliance as (

    select * from {{ ref('mart_reporting_compliance') }}

),

tasks as (

    select * from {{ ref('mart_task_completion') }}

),

tree as (

    select * from {{ ref('int_plan_tree') }}

),

kpi_counts as (

    select
        plan_id,
        report_year,
        count(*) filter (where scope = 'plan' and met) as kpis_met,
        count(*) filter (where scope = 'plan' and not met) as kpis_below,
        count(*) filter (where scope = 'plan' and threshold is not null and met is null)
            as kpis_without_data,
        string_agg(metric, ', ' order by metric) filter (where scope = 'plan' and not met)
            as kpis_below_list,
        min(actual) filter (where scope = 'plan' and threshold is not null) as lowest_kpi_actual,
        arg_min(metric, actual) filter (where scope = 'plan' and threshold is not null)
            as lowest_kpi_metric,
        count(*) filter (where scope = 'tree' and met) as tree_kpis_met,
        count(*) filter (where scope = 'tree' and not met) as tree_kpis_below
    from kpis
    where scope in ('plan', 'tree')
    group by plan_id, report_year

),

compliance_counts as (

    select
        plan_id,
        report_year,
        count(*) filter (where is_due) as reports_due,
        count(*) filter (where first_submission_date is not null) as reports_received,
        count(*) filter (where is_missing) as reports_missing,
        count(*) filter (where is_late) as reports_late
    from compliance
    group by plan_id, report_year

),

task_counts as (

    select
        plan_id,
        report_year,
        count(*) filter (where is_overdue) as tasks_overdue,
        max(days_overdue) as max_days_overdue
    from tasks
    group by plan_id, report_year

),

tree_sizes as (

    select tree_plan_id as plan_id, count(*) - 1 as plans_below
    from tree
    group by tree_plan_id

),

joined as (

    select
        report_years.plan_id,
        report_years.report_year::bigint as report_year,
        plans.parent_plan_id,
        plans.level,
        plans.locality,
        plans.locality_code,
        plans.province_code,
        coalesce(tree_sizes.plans_below, 0)::bigint as plans_below,
        coalesce(kpi_counts.kpis_met, 0)::bigint as kpis_met,
        coalesce(kpi_counts.kpis_below, 0)::bigint as kpis_below,
        coalesce(kpi_counts.kpis_without_data, 0)::bigint as kpis_without_data,
        kpi_counts.kpis_below_list,
        kpi_counts.lowest_kpi_metric,
        kpi_counts.lowest_kpi_actual,
        coalesce(kpi_counts.tree_kpis_met, 0)::bigint as tree_kpis_met,
        coalesce(kpi_counts.tree_kpis_below, 0)::bigint as tree_kpis_below,
        coalesce(compliance_counts.reports_due, 0)::bigint as reports_due,
        coalesce(compliance_counts.reports_received, 0)::bigint as reports_received,
        coalesce(compliance_counts.reports_missing, 0)::bigint as reports_missing,
        coalesce(compliance_counts.reports_late, 0)::bigint as reports_late,
        coalesce(task_counts.tasks_overdue, 0)::bigint as tasks_overdue,
        task_counts.max_days_overdue::bigint as max_days_overdue,
        report_years.as_of_date
    from report_years
    inner join plans on report_years.plan_id = plans.plan_id
    left join kpi_counts
        on report_years.plan_id = kpi_counts.plan_id
        and report_years.report_year = kpi_counts.report_year
    left join compliance_counts
        on report_years.plan_id = compliance_counts.plan_id
        and report_years.report_year = compliance_counts.report_year
    left join task_counts
        on report_years.plan_id = task_counts.plan_id
        and report_years.report_year = task_counts.report_year
    left join tree_sizes on report_years.plan_id = tree_sizes.plan_id

),

final as (

    select
        plan_id || ':' || report_year as tree_status_key,
        *,
        kpis_below > 0 or reports_missing > 0 or tasks_overdue > 0 as is_behind,
        nullif(concat_ws('; ',
            case when kpis_below > 0 then kpis_below || ' KPI below target' end,
            case when reports_missing > 0 then reports_missing || ' report(s) missing' end,
            case when tasks_overdue > 0 then tasks_overdue || ' task(s) overdue' end
        ), '') as behind_reasons
    from joined

)

select * from final
