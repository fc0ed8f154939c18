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

    -- trees with plans below the top one: a plan alone is its own tree, its figures its own
    -- (mart_tipoffs_monthly and int_kpi_values take them from the plan scope)
    select * from {{ ref('int_plan_tree') }}
    where tree_plan_id in (select tree_plan_id from {{ ref('int_plan_tree') }} where depth > 0)

),

shared as (

    -- the (province, Mã tin, receiving date) that more than one unit reports anywhere: only
    -- those need choosing; every other tip passes as it is (no window over a million rows)
    select own.province_code, tips.tip_code, tips.received_date
    from tips
    inner join {{ ref('int_plan_tree') }} as own on tips.plan_id = own.plan_id and own.depth = 0
    group by all
    having count(*) > 1

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

tree_dates as (

    select tree_plan_id, max(report_date) as report_date
    from in_tree
    group by tree_plan_id

),

singles as (

    select
        *,
        1 as units_reporting,
        false as is_resolved_everywhere,
        false as is_resolved_in_tree
    from in_tree
    anti join shared using (province_code, tip_code, received_date)

),

grouped as (

    select
        *,
        count(*) over same_tip as units_reporting,
        bool_and(resolved_date is not null) over same_tip as is_resolved_everywhere,
        bool_or(is_final) over same_tip as is_resolved_in_tree
    from in_tree
    semi join shared using (province_code, tip_code, received_date)
    window same_tip as (partition by tree_plan_id, province_code, tip_code, received_date)

),

chosen as (

    select * from singles

    union all by name

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
        tree_dates.report_date,  -- the tree's latest report: how far it is known
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
    inner join tree_dates using (tree_plan_id)

)

select * from final
