-- The headline figures of national 389 reports, per plan (scope `plan`: its agencies) and per
-- tree (scope `tree`: the plan with every plan below it), per period and year-to-date, each
-- with its change on the same period of the previous year. Built on mart_enforcement_by_period
-- (each figure counted once however many reports cover it). The change is a fraction (0.25 =
-- +25%), null when last year's figure is zero or missing; year-to-date compares with the
-- previous year's year-to-date to the same point.
{%- set indicators = [
    ('cases_smuggling_prohibited', ['violations'], "field in ('smuggling', 'prohibited_goods')"),
    ('cases_trade_fraud', ['violations'], "field = 'trade_fraud'"),
    ('cases_counterfeit_ip', ['violations'], "field in ('counterfeit', 'ip_infringement')"),
    ('cases_other', ['violations'], "field = 'other'"),
    ('cases_total', ['violations'], "true"),
    ('budget_collected_vnd', ['fines_vnd', 'tax_arrears_vnd', 'confiscated_sales_vnd'], "true"),
    ('criminal_cases_prosecuted', ['prosecutions'], "true"),
    ('defendants', ['defendants'], "true"),
    ('goods_value_vnd', ['goods_value_vnd'], "true"),
] %}
with

periods as (

    select * from {{ ref('mart_enforcement_by_period') }}

),

tree as (

    select * from {{ ref('int_plan_tree') }}

),

by_scope as (

    select 'plan' as scope, * from periods

    union all by name

    select
        'tree' as scope,
        tree.tree_plan_id as plan_id,
        periods.* exclude (plan_id)
    from periods
    inner join tree on periods.plan_id = tree.plan_id

),

indicators as (

    {%- for code, measures, condition in indicators %}
    select
        plan_id,
        scope,
        report_year,
        period_kind,
        period,
        period_index,
        '{{ code }}' as indicator,
        coalesce(sum({{ measures | join(' + ') }}) filter (where {{ condition }}), 0)::bigint
            as value,
        bool_and(is_complete) as is_complete
    from by_scope
    group by plan_id, scope, report_year, period_kind, period, period_index
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

year_to_date as (

    -- the sum over the periods of the same kind so far (an agency that reported only some
    -- periods still counts in the later ones' year-to-date)
    select
        *,
        sum(value) over so_far as ytd_value,
        count(*) over so_far = period_index and bool_and(is_complete) over so_far
            as ytd_is_complete
    from indicators
    window so_far as (
        partition by plan_id, scope, indicator, report_year, period_kind
        order by period_index
        rows between unbounded preceding and current row
    )

),

final as (

    select
        current.plan_id || ':' || current.scope || ':' || current.period || ':'
            || current.indicator as headline_key,
        current.plan_id,
        current.scope,
        current.report_year,
        current.period_kind,
        current.period,
        current.period_index,
        current.indicator,
        current.value,
        current.is_complete,
        previous.value as previous_value,
        case when previous.value > 0
            then (current.value - previous.value)::double / previous.value end as change,
        current.ytd_value::bigint as ytd_value,
        current.ytd_is_complete,
        previous.ytd_value::bigint as ytd_previous_value,
        case when previous.ytd_value > 0
            then (current.ytd_value - previous.ytd_value)::double / previous.ytd_value end
            as ytd_change
    from year_to_date as current
    left join year_to_date as previous
        on current.plan_id = previous.plan_id
        and current.scope = previous.scope
        and current.indicator = previous.indicator
        and current.period_kind = previous.period_kind
        and current.period_index = previous.period_index
        and current.report_year = previous.report_year + 1

)

select * from final
