{{ config(materialized='table') }}

-- The counts behind the tip KPIs for each plan's tree (the plan and every plan below it), a
-- transferred tip counted once (int_tips_tree), per reporting year of the tree. Same counting
-- as int_tip_kpi_counts; one row per tree and year (agency_id = 'tree').
with

tips as (

    select
        tree_plan_id as plan_id,
        'tree' as agency_id,
        null::varchar as agency_name,
        received_date,
        accepted_date,
        resolved_date,
        outcome,
        has_criminal_signs
    from {{ ref('int_tips_tree') }}

),

report_years as (

    select * from {{ ref('int_tree_report_years') }}

),

{{ tip_kpi_counts_ctes('tips', 'report_years') }}

select * from final
