-- Enforcement results per plan × year × field: each agency's figure for the year by the period
-- rule of mart_enforcement_by_period (the yearly report, else the finer reports that cover the
-- year, else what was received), summed over the agencies.
with

periods as (

    select * from {{ ref('mart_enforcement_by_period') }}

),

final as (

    select
        plan_id || ':' || report_year || ':' || field as enforcement_key,
        plan_id,
        report_year::bigint as report_year,
        field,
        count(distinct agency_id) as agencies_reporting,
        count(distinct agency_id) filter (where not is_complete) as agencies_incomplete,
        {{ sum_measures() }}
    from periods
    where period_kind = 'year'
    group by plan_id, report_year, field

)

select * from final
