with

changes as (

    select * from {{ ref('stg_plans__review_changes') }}

),

plans as (

    select * from {{ ref('stg_plans__plans') }}

),

reviews as (

    select * from {{ ref('stg_plans__reviews') }}

),

final as (

    select
        changes.plan_id,
        plans.locality,
        plans.level,
        changes.task_code,
        changes.task_key,
        changes.field,
        changes.extracted_value,
        changes.reviewed_value,
        changes.review_file,
        changes.reviewed_at,
        reviews.reviewed_at_source,
        reviews.is_stale as is_stale_review

    from changes
    inner join plans on changes.plan_id = plans.plan_id
    inner join reviews on changes.review_file = reviews.review_file

)

select * from final
