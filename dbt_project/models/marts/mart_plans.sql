with

plans as (

    select * from {{ ref('stg_plans__plans') }}

),

tasks as (

    select * from {{ ref('stg_plans__tasks') }}

),

targets as (

    select * from {{ ref('stg_plans__targets') }}

),

task_counts as (

    select
        plan_id,
        count(*) as task_count,
        count(*) filter (where needs_review) as tasks_needing_review,
        count(distinct national_group_code) as national_groups_covered

    from tasks
    group by plan_id

),

target_counts as (

    select
        plan_id,
        count(*) as target_count

    from targets
    group by plan_id

),

final as (

    select
        plans.plan_id,
        plans.title,
        plans.issuer,
        plans.level,
        plans.locality,
        plans.locality_code,
        plans.province_code,
        plans.locality_type,
        plans.plan_number,
        plans.issue_date,
        plans.issue_year,
        plans.issue_month,
        plans.signer,
        plans.implements,
        plans.parent_plan_id,
        parents.plan_number as parent_plan_number,
        parents.locality as parent_locality,
        plans.horizon_year,
        plans.document_shape,
        plans.source_files,
        plans.plan_source,
        plans.review_file,
        plans.is_reference,
        plans.needs_review,
        plans.review_reason,
        coalesce(task_counts.task_count, 0) as task_count,
        coalesce(task_counts.tasks_needing_review, 0) as tasks_needing_review,
        coalesce(task_counts.national_groups_covered, 0) as national_groups_covered,
        coalesce(target_counts.target_count, 0) as target_count

    from plans
    left join plans as parents on plans.parent_plan_id = parents.plan_id
    left join task_counts on plans.plan_id = task_counts.plan_id
    left join target_counts on plans.plan_id = target_counts.plan_id

)

select * from final
