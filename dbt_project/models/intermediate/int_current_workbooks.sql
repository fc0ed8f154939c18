-- Workbooks still in force: a later resubmission (same agency, plan and period) replaces them.
with

workbooks as (

    select * from {{ ref('stg_reports__workbooks') }}

),

final as (

    select * from workbooks
    where not is_superseded

)

select * from final
