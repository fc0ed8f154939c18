with

source as (

    select * from {{ source('plans', 'plans') }}

),

renamed as (

    select
        plan_id,
        title,
        issuer,
        level,
        locality,
        locality_code,
        province_code,
        locality_type,
        number as plan_number,
        issue_date,
        issue_year,
        issue_month,
        signer,
        implements,
        parent_plan_id,
        horizon_year,
        shape as document_shape,
        source_files,
        source as plan_source,
        review_file,
        is_reference,
        needs_review,
        review_reason

    from source

)

select * from renamed
