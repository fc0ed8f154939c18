-- The plan tree, flattened: one row per plan × each plan in its tree (itself at depth 0, then the
-- plans below it: a province plan with its communes' plans; the national reference with every
-- province and commune). `tree_plan_id` is the plan whose tree it is.
with recursive

plans as (

    select * from {{ ref('stg_plans__plans') }}

),

tree as (

    select
        plan_id as tree_plan_id,
        plan_id,
        0 as depth
    from plans

    union all

    select
        tree.tree_plan_id,
        plans.plan_id,
        tree.depth + 1 as depth
    from tree
    inner join plans on plans.parent_plan_id = tree.plan_id
    where tree.depth < 8  -- a tree is three levels deep; a cycle in bad data stops here

),

final as (

    select
        tree.tree_plan_id,
        tree.plan_id,
        tree.depth,
        plans.province_code
    from tree
    inner join plans on tree.plan_id = plans.plan_id

)

select * from final
