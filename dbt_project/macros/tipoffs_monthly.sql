{#- Tip-offs per plan × agency × month × field over `tips` (plan_id, agency_id, agency_name,
    report_date, field, received/accepted/resolved dates, outcome): the CTEs of
    mart_tipoffs_monthly, ending in `counts`. -#}
{% macro tipoffs_monthly_ctes(tips) -%}
agencies as (

    select
        plan_id,
        agency_id,
        max(agency_name) as agency_name,
        least(max(report_date), {{ as_of_date() }}) as known_until

    from {{ tips }}
    group by plan_id, agency_id

),

field_bounds as (

    select
        tips.plan_id,
        tips.agency_id,
        tips.field,
        min({{ stat_month('tips.received_date') }}) as first_month

    from {{ tips }} as tips
    group by tips.plan_id, tips.agency_id, tips.field

),

spine_months as (

    select
        field_bounds.plan_id,
        field_bounds.agency_id,
        agencies.agency_name,
        field_bounds.field,
        agencies.known_until,
        unnest(
            generate_series(
                field_bounds.first_month::timestamp,
                {{ stat_month('agencies.known_until') }}::timestamp,
                interval 1 month
            )
        ) as month_start

    from field_bounds
    inner join agencies
        on field_bounds.plan_id = agencies.plan_id
        and field_bounds.agency_id = agencies.agency_id

),

spine as (

    select
        plan_id,
        agency_id,
        agency_name,
        field,
        month_start::date as month,
        {{ stat_month_start('month_start::date') }} as first_day,
        least({{ stat_month_end('month_start::date') }}, known_until) as snapshot_date

    from spine_months

),

tip_months as (

    select
        spine.plan_id,
        spine.agency_id,
        spine.agency_name,
        spine.month,
        spine.field,
        spine.snapshot_date,
        tips.outcome,
        tips.received_date between spine.first_day and spine.snapshot_date as is_received,
        coalesce(tips.accepted_date between spine.first_day and spine.snapshot_date, false)
            as is_accepted,
        coalesce(tips.resolved_date between spine.first_day and spine.snapshot_date, false)
            as is_resolved,
        tips.resolved_date - tips.received_date <= 20 as is_within_20_days,
        tips.received_date <= spine.snapshot_date
            and (tips.resolved_date is null or tips.resolved_date > spine.snapshot_date)
            as is_pending,
        spine.snapshot_date - tips.received_date > 20 as is_past_20_days

    from spine
    left join {{ tips }} as tips
        on spine.plan_id = tips.plan_id
        and spine.agency_id = tips.agency_id
        and spine.field = tips.field
        -- only the tips the month can count: received by its end and not settled before it
        -- began (a tip resolved months ago adds nothing to later months: joining it to every
        -- month made ~24 rows a tip at national scale)
        and tips.received_date <= spine.snapshot_date
        and (
            tips.resolved_date is null
            or tips.resolved_date >= spine.first_day
            or tips.accepted_date >= spine.first_day
        )

),

counts as (

    select
        plan_id,
        agency_id,
        agency_name,
        month,
        field,
        snapshot_date,
        count(*) filter (where is_received) as received,
        count(*) filter (where is_accepted) as accepted,
        count(*) filter (where is_resolved) as resolved,
        count(*) filter (where is_resolved and is_within_20_days) as resolved_within_20_days,
        count(*) filter (where is_pending) as pending_at_month_end,
        count(*) filter (where is_pending and is_past_20_days) as overdue_at_month_end,
        count(*) filter (where is_resolved and outcome = 'prosecuted') as prosecuted

    from tip_months
    group by plan_id, agency_id, agency_name, month, field, snapshot_date

)
{%- endmacro %}
