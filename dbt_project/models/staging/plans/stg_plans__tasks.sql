with

source as (

    select * from {{ source('plans', 'plan_tasks') }}

),

renamed as (

    select
        plan_id || ':' || task_code as task_key,
        plan_id,
        task_code,
        task_seq,
        group_code,
        group_title,
        title as task_title,
        deadline_text,
        deadline_kind,
        due_date,
        recurrence,
        expected_output,
        national_group_code,
        national_group_source,
        lead_count,
        needs_review,
        review_reason,
        source as task_source,
        stale_review,
        extraction_review_reason,
        reviewer_note

    from source

)

select * from renamed
