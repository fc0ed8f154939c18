with

tasks as (

    select * from {{ ref('stg_plans__tasks') }}

),

plans as (

    select * from {{ ref('stg_plans__plans') }}

),

agency_lists as (

    select * from {{ ref('int_task_agency_lists') }}

),

national_groups as (

    select * from {{ ref('stg_plans__national_groups') }}

),

final as (

    select
        tasks.task_key,
        tasks.plan_id,
        plans.locality,
        plans.level,
        tasks.task_code,
        tasks.task_seq,
        tasks.group_code,
        tasks.group_title,
        tasks.task_title,
        tasks.deadline_text,
        tasks.deadline_kind,
        tasks.due_date,
        tasks.recurrence,
        tasks.expected_output,
        agency_lists.lead_agencies,
        agency_lists.coordinating_agencies,
        tasks.national_group_code,
        national_groups.national_group_title,
        tasks.national_group_source,
        tasks.needs_review,
        tasks.review_reason,
        tasks.task_source as source,
        tasks.stale_review,
        tasks.extraction_review_reason,
        tasks.reviewer_note

    from tasks
    inner join plans on tasks.plan_id = plans.plan_id
    left join agency_lists on tasks.task_key = agency_lists.task_key
    left join national_groups on tasks.national_group_code = national_groups.national_group_code

)

select * from final
