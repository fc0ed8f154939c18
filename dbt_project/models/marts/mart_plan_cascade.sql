with

plans as (

    select * from {{ ref('stg_plans__plans') }}

),

tasks as (

    select * from {{ ref('stg_plans__tasks') }}

),

national_groups as (

    select * from {{ ref('stg_plans__national_groups') }}

),

group_counts as (

    select
        plan_id,
        national_group_code,
        count(*) as tasks_mapped,
        count(*) filter (where national_group_source = 'keywords') as tasks_mapped_by_keywords

    from tasks
    where national_group_code is not null
    group by plan_id, national_group_code

),

unmapped as (

    select
        plan_id,
        count(*) filter (where national_group_code is null) as tasks_unmapped

    from tasks
    group by plan_id

),

plan_groups as (

    select
        plans.plan_id,
        plans.level,
        plans.locality,
        plans.parent_plan_id,
        national_groups.national_group_code,
        national_groups.national_group_title

    from plans
    cross join national_groups
    where not plans.is_reference

),

final as (

    select
        plan_groups.plan_id || ':' || plan_groups.national_group_code as cascade_key,
        plan_groups.plan_id,
        plan_groups.level,
        plan_groups.locality,
        plan_groups.parent_plan_id,
        plan_groups.national_group_code,
        plan_groups.national_group_title,
        coalesce(own.tasks_mapped, 0) as tasks_mapped,
        coalesce(own.tasks_mapped_by_keywords, 0) as tasks_mapped_by_keywords,
        coalesce(own.tasks_mapped, 0) > 0 as is_covered,
        parent.tasks_mapped as parent_tasks_mapped,
        coalesce(unmapped.tasks_unmapped, 0) as plan_tasks_unmapped

    from plan_groups
    left join group_counts as own
        on plan_groups.plan_id = own.plan_id
        and plan_groups.national_group_code = own.national_group_code
    left join group_counts as parent
        on plan_groups.parent_plan_id = parent.plan_id
        and plan_groups.national_group_code = parent.national_group_code
    left join unmapped on plan_groups.plan_id = unmapped.plan_id

)

select * from final
