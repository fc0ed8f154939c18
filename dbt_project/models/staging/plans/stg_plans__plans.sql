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
        is_reference

    from source

)

select * from renamed
