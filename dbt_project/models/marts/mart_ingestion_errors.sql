with

plan_errors as (

    select * from {{ ref('stg_plans__ingestion_errors') }}

),

report_errors as (

    select * from {{ ref('stg_reports__ingestion_errors') }}

),

final as (

    select source_domain, file_name, stage, reason, is_refused from plan_errors
    union all
    select source_domain, file_name, stage, reason, is_refused from report_errors

)

select * from final
