-- Enforcement results (XuLy) per plan × agency × period kind × period × field, counted once.
-- A workbook's figures are for its own period. The figure for a period comes from
--   1. the report for exactly that period; otherwise
--   2. the sum of finer reports that cover it completely; otherwise
--   3. the sum of what was received, with is_complete = false.
-- Periods nest: months → quarters → halves → the first nine months (H1 + Q3) → the year (H1 +
-- H2, or 9M + Q4: the complete one, else the one covering more months). Each level takes the
-- exact report, else its parts as the level below made them, so a month sent both alone and
-- inside a quarterly report is never counted twice. Year-to-date sums the periods of the same
-- kind from the year's first to this one.
with

reports as (

    select * from {{ ref('int_enforcement_reports') }}

),

calendar as (

    select * from {{ ref('int_report_periods') }}

),

exact as (

    select
        plan_id,
        agency_id,
        field,
        report_year,
        period_kind,
        period,
        first_month,
        last_month,
        months_covered,
        true as is_complete,
        file_name as source,
        {%- for m in enforcement_measures() %}
        {{ m }}::bigint as {{ m }}{{ ',' if not loop.last }}
        {%- endfor %}
    from reports

),

months as (

    select * from exact where period_kind = 'month'

),

month_parts as (

    select *, report_year || '-Q' || quarter(first_month) as parent from months

),

quarters_combined as (

    {{ combine_periods('month_parts', 'quarter', 3) }}

),

quarters as (

    {{ exact_else_combined('quarter', 'quarters_combined') }}

),

quarter_parts as (

    select *, report_year || '-H' || (1 + (month(first_month) > 6)::int) as parent from quarters

),

halves_combined as (

    {{ combine_periods('quarter_parts', 'half', 2) }}

),

halves as (

    {{ exact_else_combined('half', 'halves_combined') }}

),

nine_month_parts as (

    select *, report_year || '-9M' as parent from halves where period = report_year || '-H1'
    union all by name
    select *, report_year || '-9M' as parent from quarters where period = report_year || '-Q3'

),

nine_months_combined as (

    {{ combine_periods('nine_month_parts', 'nine_months', 2) }}

),

nine_months as (

    {{ exact_else_combined('nine_months', 'nine_months_combined') }}

),

year_parts as (

    select *, report_year::varchar as parent, 'halves' as route from halves
    union all by name
    select *, report_year::varchar as parent, 'nine_months' as route from nine_months
    union all by name
    select *, report_year::varchar as parent, 'nine_months' as route from quarters
    where period = report_year || '-Q4'

),

years_by_halves as (

    {{ combine_periods("(select * from year_parts where route = 'halves')", 'year', 2) }}

),

years_by_nine_months as (

    {{ combine_periods("(select * from year_parts where route = 'nine_months')", 'year', 2) }}

),

years_combined as (

    select * from (
        select *, 1 as route_rank from years_by_halves
        union all by name
        select *, 2 as route_rank from years_by_nine_months
    )
    qualify row_number() over (
        partition by plan_id, agency_id, field, period
        order by is_complete desc, months_covered desc, route_rank
    ) = 1

),

years_best as (

    select * exclude (route_rank) from years_combined

),

years as (

    {{ exact_else_combined('year', 'years_best') }}

),

all_periods as (

    select * from months
    union all by name
    select * from quarters
    union all by name
    select * from halves
    union all by name
    select * from nine_months
    union all by name
    select * from years

),

agency_names as (

    select plan_id, agency_id, max(agency_name) as agency_name
    from reports
    group by plan_id, agency_id

),

with_calendar as (

    select
        all_periods.*,
        calendar.period_index,
        calendar.months_in_period,
        calendar.period_start,
        calendar.period_end
    from all_periods
    inner join calendar
        on all_periods.period_kind = calendar.period_kind
        and all_periods.period = calendar.period

),

year_to_date as (

    select
        *,
        {%- for m in enforcement_measures() %}
        sum({{ m }}) over so_far as ytd_{{ m }},
        {%- endfor %}
        count(*) over so_far = period_index and bool_and(is_complete) over so_far
            as ytd_is_complete
    from with_calendar
    window so_far as (
        partition by plan_id, agency_id, field, report_year, period_kind
        order by period_index
        rows between unbounded preceding and current row
    )

),

final as (

    select
        year_to_date.plan_id || ':' || year_to_date.agency_id || ':' || year_to_date.period
            || ':' || year_to_date.field as enforcement_period_key,
        year_to_date.plan_id,
        year_to_date.agency_id,
        agency_names.agency_name,
        year_to_date.report_year::bigint as report_year,
        year_to_date.period_kind,
        year_to_date.period,
        year_to_date.period_index::bigint as period_index,
        year_to_date.period_start,
        year_to_date.period_end,
        year_to_date.field,
        year_to_date.months_covered,
        year_to_date.months_in_period::bigint as months_in_period,
        year_to_date.is_complete,
        year_to_date.source,
        {%- for m in enforcement_measures() %}
        coalesce(year_to_date.{{ m }}, 0)::bigint as {{ m }},
        {%- endfor %}
        year_to_date.ytd_is_complete,
        {%- for m in enforcement_measures() %}
        coalesce(year_to_date.ytd_{{ m }}, 0)::bigint as ytd_{{ m }}{{ ',' if not loop.last }}
        {%- endfor %}
    from year_to_date
    inner join agency_names
        on year_to_date.plan_id = agency_names.plan_id
        and year_to_date.agency_id = agency_names.agency_id

)

select * from final
