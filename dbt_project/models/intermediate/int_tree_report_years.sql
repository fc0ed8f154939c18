-- The reporting years of each plan's tree: the years any plan in it reports on.
with

tree as (

    select * from {{ ref('int_plan_tree') }}

),

report_years as (

    select * from {{ ref('int_report_years') }}

),

final as (

    select
        tree.tree_plan_id as plan_id,
        report_years.report_year,
        min(report_years.year_start) as year_start,
        max(report_years.year_end) as year_end,
        max(report_years.as_of_date) as as_of_date
    from tree
    inner join report_years on tree.plan_id = report_years.plan_id
    group by tree.tree_plan_id, report_years.report_year

)

select * from final
