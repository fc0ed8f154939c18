-- Every reporting period of the years reports speak of, and of the year before each (the base
-- of the changes on last year): 12 months, 4 quarters, 2 halves, the first nine months and the
-- year, each with the months it covers (by their labels), its place among the periods of its
-- kind in the year, and its days under the statistical periods (macros/periods.sql).
with

workbooks as (

    select * from {{ ref('stg_reports__workbooks') }}

),

years as (

    select distinct unnest([report_year - 1, report_year]) as report_year
    from workbooks

),

kinds as (

    select * from (
        values
            ('month', 12, 1),
            ('quarter', 4, 3),
            ('half', 2, 6),
            ('nine_months', 1, 9),
            ('year', 1, 12)
    ) as k (period_kind, periods_in_year, months_in_period)

),

periods as (

    select
        years.report_year,
        kinds.period_kind,
        kinds.months_in_period,
        unnest(range(1, kinds.periods_in_year + 1)) as period_index
    from years
    cross join kinds

),

final as (

    select
        report_year,
        period_kind,
        case period_kind
            when 'month' then report_year || '-' || lpad(period_index::varchar, 2, '0')
            when 'quarter' then report_year || '-Q' || period_index
            when 'half' then report_year || '-H' || period_index
            when 'nine_months' then report_year || '-9M'
            else report_year::varchar
        end as period,
        period_index,
        months_in_period,
        make_date(report_year, (period_index - 1) * months_in_period + 1, 1) as first_month,
        make_date(report_year, period_index * months_in_period, 1) as last_month,
        {{ stat_month_start('make_date(report_year, (period_index - 1) * months_in_period + 1, 1)') }}
            as period_start,
        {{ stat_month_end('make_date(report_year, period_index * months_in_period, 1)') }}
            as period_end
    from periods

)

select * from final
