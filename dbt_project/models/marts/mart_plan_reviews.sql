with

reviews as (

    select * from {{ ref('stg_plans__reviews') }}

),

plans as (

    select * from {{ ref('stg_plans__plans') }}

),

final as (

    select
        reviews.review_file,
        reviews.plan_id,
        plans.locality,
        plans.level,
        reviews.review_status,
        reviews.reviewed_at,
        reviews.reviewed_at_source,
        reviews.superseded_by,
        reviews.is_stale,
        reviews.changed_documents,
        reviews.tasks_reviewed,
        reviews.tasks_added,
        reviews.tasks_deleted,
        reviews.change_count,
        reviews.problems,
        reviews.refusal_reason,
        reviews.sha256

    from reviews
    left join plans on reviews.plan_id = plans.plan_id

)

select * from final
