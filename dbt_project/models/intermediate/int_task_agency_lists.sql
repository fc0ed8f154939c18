-- Lead and coordinating agency names per task, in the order the plan prints them.
with

assignments as (

    select * from {{ ref('stg_plans__task_assignments') }}

),

agencies as (

    select * from {{ ref('stg_plans__agencies') }}

),

named as (

    select
        assignments.task_key,
        assignments.role,
        agencies.agency_name,
        row_number() over (partition by assignments.task_key order by assignments.assignment_key) as seq

    from assignments
    inner join agencies on assignments.agency_id = agencies.agency_id

),

final as (

    select
        task_key,
        string_agg(agency_name, '; ' order by seq) filter (where role = 'lead') as lead_agencies,
        string_agg(agency_name, '; ' order by seq) filter (
            where role = 'coordinate'
        ) as coordinating_agencies,
        count(*) filter (where role = 'lead') as lead_agency_count

    from named
    group by task_key

)

select * from final
