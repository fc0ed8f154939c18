with

kpi_values as (

    select * from {{ ref('int_kpi_values') }}

),

targets as (

    select * from {{ ref('stg_plans__targets') }}

),

report_years as (

    select * from {{ ref('int_report_years') }}

),

agencies as (

    select * from {{ ref('stg_plans__agencies') }}

),

plan_targets as (

    -- A plan may state a target twice (objectives and a task): keep the strictest statement.
    select
        plan_id,
        metric,
        comparator,
        threshold,
        source_text,
        task_code

    from targets
    where metric != 'unclassified'
    qualify row_number() over (
        partition by plan_id, metric
        order by threshold desc, comparator desc, task_code nulls last
    ) = 1

),

targets_without_data as (

    -- Every target of a reporting year appears at plan and tree scope, even with nothing to
    -- count yet.
    select
        scopes.scope,
        plan_targets.plan_id,
        report_years.report_year,
        null::varchar as agency_id,
        plan_targets.metric,
        0::bigint as numerator,
        0::bigint as denominator

    from plan_targets
    inner join report_years on plan_targets.plan_id = report_years.plan_id
    cross join (values ('plan'), ('tree')) as scopes (scope)
    anti join kpi_values
        on kpi_values.scope = scopes.scope
        and plan_targets.plan_id = kpi_values.plan_id
        and plan_targets.metric = kpi_values.metric
        and report_years.report_year = kpi_values.report_year

),

all_values as (

    select * from kpi_values
    union all
    select * from targets_without_data

),

final as (

    select
        all_values.plan_id || ':' || all_values.metric || ':' || all_values.report_year || ':'
        || coalesce(all_values.agency_id, all_values.scope) as kpi_key,
        all_values.plan_id,
        all_values.metric,
        all_values.report_year,
        all_values.scope,
        all_values.agency_id,
        agencies.agency_name,
        plan_targets.comparator,
        plan_targets.threshold,
        plan_targets.source_text as target_source_text,
        plan_targets.task_code as target_task_code,
        all_values.numerator,
        all_values.denominator,
        case
            when all_values.denominator > 0
                then all_values.numerator::double / all_values.denominator
        end as actual,
        -- exact decimal comparison: 9/10 is not "> 0.9", 10/10 is ">= 1"
        case
            when all_values.denominator = 0 or plan_targets.threshold is null then null
            when plan_targets.comparator = '>='
                then all_values.numerator
                >= plan_targets.threshold::decimal(9, 6) * all_values.denominator
            when plan_targets.comparator = '>'
                then all_values.numerator
                > plan_targets.threshold::decimal(9, 6) * all_values.denominator
        end as met

    from all_values
    left join plan_targets
        on all_values.plan_id = plan_targets.plan_id
        and all_values.metric = plan_targets.metric
    left join agencies on all_values.agency_id = agencies.agency_id

)

select * from final
