-- Task completion rolled up per plan × lead agency × reporting year.
with

completion as (

    select * from {{ ref('mart_task_completion') }}

),

counted as (

    select
        plan_id,
        agency_id,
        report_year,
        min(agency_name) as agency_name,
        bool_or(is_collective) as is_collective,
        max(as_of_date) as as_of_date,
        count(*) as tasks_assigned,
        count(*) filter (where is_due) as tasks_due,
        count(*) filter (where status = 'completed') as tasks_completed,
        count(*) filter (where completed_on_time) as tasks_completed_on_time,
        count(*) filter (where is_overdue) as overdue_count,
        count(*) filter (where not_reported) as not_reported_count

    from completion
    group by plan_id, agency_id, report_year

),

final as (

    select
        plan_id || ':' || agency_id || ':' || report_year as agency_year_key,
        plan_id,
        agency_id,
        agency_name,
        is_collective,
        report_year,
        tasks_assigned,
        tasks_due,
        tasks_completed,
        tasks_completed_on_time,
        cast(tasks_completed as double) / nullif(tasks_assigned, 0) as completion_rate,
        cast(tasks_completed_on_time as double) / nullif(tasks_due, 0) as on_time_rate,
        overdue_count,
        not_reported_count,
        as_of_date

    from counted

)

select * from final
