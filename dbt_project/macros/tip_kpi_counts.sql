{#- The counts behind the three tip KPIs (see int_tip_kpi_counts) over `tips` (plan_id,
    agency_id, agency_name, received/accepted/resolved dates, outcome, has_criminal_signs) and the
    reporting years `report_years` (plan_id, report_year, year_start, as_of_date): a CTE list
    ending in `final`, to follow the caller's import CTEs. -#}
{% macro tip_kpi_counts_ctes(tips, report_years) -%}
agencies as (

    select
        plan_id,
        agency_id,
        max(agency_name) as agency_name

    from {{ tips }}
    group by plan_id, agency_id

),

agency_years as (

    select
        agencies.plan_id,
        agencies.agency_id,
        agencies.agency_name,
        report_years.report_year,
        report_years.year_start,
        report_years.as_of_date

    from agencies
    inner join {{ report_years }} as report_years on agencies.plan_id = report_years.plan_id

),

tip_years as (

    select
        agency_years.plan_id,
        agency_years.agency_id,
        agency_years.agency_name,
        agency_years.report_year,
        tips.outcome,
        coalesce(tips.has_criminal_signs, false) as has_criminal_signs,
        tips.received_date between agency_years.year_start and agency_years.as_of_date
            as is_received_in_year,
        coalesce(tips.accepted_date <= {{ as_of_date() }}, false) as is_accepted,
        coalesce(
            tips.accepted_date between agency_years.year_start and agency_years.as_of_date,
            false
        ) as is_accepted_in_year,
        coalesce(
            tips.accepted_date < agency_years.year_start
            and (tips.resolved_date is null or tips.resolved_date >= agency_years.year_start),
            false
        ) as is_carried_over,
        coalesce(
            tips.resolved_date between agency_years.year_start and agency_years.as_of_date,
            false
        ) as is_resolved_in_year

    from agency_years
    inner join {{ tips }} as tips
        on agency_years.plan_id = tips.plan_id
        and agency_years.agency_id = tips.agency_id

),

flagged as (

    select
        *,
        is_accepted_in_year or is_carried_over as is_to_resolve,
        (is_accepted_in_year or is_carried_over) and is_resolved_in_year as is_resolved

    from tip_years

),

final as (

    select
        plan_id,
        agency_id,
        agency_name,
        report_year,
        count(*) filter (where is_received_in_year) as tips_received,
        count(*) filter (where is_received_in_year and is_accepted)
            as tips_received_accepted,
        count(*) filter (where is_accepted_in_year) as tips_accepted_in_year,
        count(*) filter (where is_carried_over) as tips_carried_over,
        count(*) filter (where is_to_resolve) as tips_to_resolve,
        count(*) filter (where is_resolved) as tips_resolved,
        count(*) filter (where is_resolved and has_criminal_signs) as tips_resolved_with_signs,
        count(*) filter (where is_resolved and has_criminal_signs and outcome = 'prosecuted')
            as tips_prosecuted_with_signs

    from flagged
    group by plan_id, agency_id, agency_name, report_year

)
{%- endmacro %}
