{#- The XuLy figures, summed the same way everywhere (mart_enforcement_by_period and the marts
    built on it). -#}
{% macro enforcement_measures() -%}
    {{- return([
        'inspections', 'violations', 'administrative_cases', 'fines_vnd', 'tax_arrears_vnd',
        'confiscated_sales_vnd', 'goods_value_vnd', 'prosecutions', 'defendants'
    ]) -}}
{%- endmacro %}

{#- Sum of each figure over a group, as bigint. -#}
{% macro sum_measures(prefix='') -%}
    {%- for m in enforcement_measures() %}
        sum({{ prefix }}{{ m }})::bigint as {{ m }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- A period's figures from its parts (`parts`: a CTE with a `parent` column naming the period
    they make up): summed, complete when all `needed` parts are there and each is complete. -#}
{% macro combine_periods(parts, kind, needed) -%}
    select
        plan_id,
        agency_id,
        field,
        report_year,
        '{{ kind }}' as period_kind,
        parent as period,
        min(first_month) as first_month,
        max(last_month) as last_month,
        sum(months_covered)::bigint as months_covered,
        count(*) = {{ needed }} and bool_and(is_complete) as is_complete,
        string_agg(source, '; ' order by first_month) as source,
        {{ sum_measures() }}
    from {{ parts }}
    group by plan_id, agency_id, field, report_year, parent
{%- endmacro %}

{#- A level of periods: the exact reports of `kind` (CTE `exact`), and the periods `combined`
    made from their parts where no exact report is there. -#}
{% macro exact_else_combined(kind, combined) -%}
    select * from exact where period_kind = '{{ kind }}'
    union all by name
    select * from {{ combined }}
    where not exists (
        select 1 from exact
        where exact.period_kind = '{{ kind }}'
            and exact.plan_id = {{ combined }}.plan_id
            and exact.agency_id = {{ combined }}.agency_id
            and exact.field = {{ combined }}.field
            and exact.period = {{ combined }}.period
    )
{%- endmacro %}
