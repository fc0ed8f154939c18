{{ config(materialized='table') }}

-- The tips of every plan in a tree (int_plan_tree), each counted once. A tip that two units in
-- the tree both report (transferred between levels: the same Mã tin, the same receiving date,
-- the same province) is one tip. Its acceptance and resolution are those of the unit that
-- resolved it (the latest resolution that is not a transfer); when it only left the tree by
-- transfers, the latest transfer; otherwise (a unit still holds it) those of the unit that
-- received it (the earliest acceptance), with no resolution. Within one plan,
-- int_tips_deduplicated has already kept each agency's latest state of its tips.
with

tips as (

    select * from {{ ref('int_tips_deduplicated') }}

),

tree as (

    select * from {{ ref('int_plan_tree') }}

),

in_tree as (

    select
        tree.tree_plan_id,
        tree.depth,
        tree.province_code,
        tips.*,
        tips.resolved_date is not null and coalesce(tips.outcome, '') != 'transferred'
            as is_final
    from tree
    inner join tips on tree.plan_id = tips.plan_id

),

grouped as (

    select
        *,
        count(*) over same_tip as units_reporting,
        bool_and(resolved_date is not null) over same_tip as is_resolved_everywhere,
        bool_or(is_final) over same_tip as is_resolved_in_tree,
        max(report_date) over (partition by tree_plan_id) as tree_report_date
    from in_tree
    window same_tip as (partition by tree_plan_id, province_code, tip_code, received_date)

),

chosen as (

    select *
    from grouped
    qualify row_number() over (
        partition by tree_plan_id, province_code, tip_code, received_date
        order by
            case when is_final then resolved_date end desc nulls last,
            case when is_resolved_everywhere then resolved_date end desc nulls last,
            accepted_date nulls last,
            depth,
            plan_id,
            agency_id
    ) = 1

),

final as (

    select
        tree_plan_id,
        plan_id as unit_plan_id,
        agency_id as unit_agency_id,
        province_code,
        tip_code,
        received_date,
        tree_report_date as report_date,  -- the tree's latest report: how far it is known
        field,
        accepted_date,
        -- held by a unit of the tree (only transferred within it so far): not resolved yet
        case when units_reporting = 1 or is_resolved_in_tree or is_resolved_everywhere
            then resolved_date end as resolved_date,
        case when units_reporting = 1 or is_resolved_in_tree or is_resolved_everywhere
            then outcome end as outcome,
        case when units_reporting = 1 or is_resolved_in_tree or is_resolved_everywhere
            then has_criminal_signs end as has_criminal_signs,
        units_reporting
    from chosen

)

select * from final
