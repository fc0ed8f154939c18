with

source as (

    select * from {{ source('plans', 'plan_reviews') }}

),

renamed as (

    select
        file_name as review_file,
        sha256,
        plan_id,
        reviewed_at,
        reviewed_at_source,
        status as review_status,
        superseded_by,
        is_stale,
        changed_documents,
        tasks_reviewed,
        tasks_added,
        tasks_deleted,
        changes as change_count,
        problems,
        error as refusal_reason

    from source

)

select * from renamed
