-- Tip-offs per plan × agency × month × field (scope `plan`), and per plan's tree × month ×
-- field (scope `tree`: the plan with every plan below it, a transferred tip counted once, see
-- int_tips_tree; agency_id null): the month's flows (received, accepted, resolved)
-- and the register's state at the month's end (pending, overdue past the 20 days of Criminal
-- Procedure Code art. 147). Months run from the field's first received tip to the agency's
-- latest report, never past the as-of date; a month not over (or not fully reported) is measured
-- at snapshot_date, the earliest of its last day, the agency's latest report date and as-of date.
with

tips as (

    select * from {{ ref('int_tips_deduplicated') }}

),

tree_tips as (

    select
        tree_plan_id as plan_id,
        'tree' as agency_id,
        null::varchar as agency_name,
        report_date,
        field,
        received_date,
        accepted_date,
        resolved_date,
        outcome
    from {{ ref('int_tips_tree') }}

),

plan_scope as (

    with {{ tipoffs_monthly_ctes('tips') }}
    select 'plan' as scope, * from counts

),

tree_scope as (

    with {{ tipoffs_monthly_ctes('tree_tips') }}
    select 'tree' as scope, * from counts

),

leaf_trees as (

    -- a plan with no plan below it is its own tree: its agencies' months, summed
    select
        'tree' as scope,
        plan_id,
        'tree' as agency_id,
        null::varchar as agency_name,
        month,
        field,
        max(snapshot_date) as snapshot_date,
        sum(received)::bigint as received,
        sum(accepted)::bigint as accepted,
        sum(resolved)::bigint as resolved,
        sum(resolved_within_20_days)::bigint as resolved_within_20_days,
        sum(pending_at_month_end)::bigint as pending_at_month_end,
        sum(overdue_at_month_end)::bigint as overdue_at_month_end,
        sum(prosecuted)::bigint as prosecuted
    from plan_scope
    where plan_id not in (select plan_id from tree_tips)
    group by plan_id, month, field

),

counts as (

    select * from plan_scope
    union all by name
    select * from tree_scope
    union all by name
    select * from leaf_trees

),

final as (

    select
        plan_id || ':' || agency_id || ':' || strftime(month, '%Y-%m-%d') || ':' || field
            as monthly_key,
        plan_id,
        scope,
        nullif(agency_id, 'tree') as agency_id,
        agency_name,
        year(month)::bigint as report_year,
        month,
        field,
        snapshot_date,
        received,
        accepted,
        resolved,
        resolved_within_20_days,
        pending_at_month_end,
        overdue_at_month_end,
        prosecuted

    from counts

)

select * from final
