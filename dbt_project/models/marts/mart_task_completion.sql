-- Task completion per plan × task × lead agency × reporting year: what the lead reported, whether
-- the task has fallen due in the year by its as_of_date (the year's end or the run's as-of date,
-- whichever is earlier), was completed on time, or is overdue.
with

leads as (

    select * from {{ ref('int_task_lead_agencies') }}

),

tasks as (

    select * from {{ ref('stg_plans__tasks') }}

),

report_years as (

    select * from {{ ref('int_report_years') }}

),

progress as (

    select * from {{ ref('int_task_progress_current') }}

),

joined as (

    select
        leads.plan_id,
        leads.task_code,
        tasks.task_title,
        leads.agency_id,
        leads.agency_name,
        leads.is_collective,
        leads.lead_source,
        leads.report_year,
        tasks.deadline_kind,
        tasks.recurrence,
        tasks.due_date,
        progress.status,
        progress.completed_date,
        progress.report_date as reported_on,
        progress.progress_key is null as not_reported,
        report_years.as_of_date

    from leads
    inner join tasks on leads.task_key = tasks.task_key
    inner join report_years
        on leads.plan_id = report_years.plan_id
        and leads.report_year = report_years.report_year
    left join progress
        on leads.plan_id = progress.plan_id
        and leads.task_code = progress.task_code
        and leads.agency_id = progress.agency_id
        and leads.report_year = progress.report_year

),

flagged as (

    select
        *,
        coalesce(due_date <= as_of_date, false) as is_due,
        coalesce(status = 'completed', false) as is_completed

    from joined

),

final as (

    select
        plan_id || ':' || task_code || ':' || agency_id || ':' || report_year as completion_key,
        plan_id,
        task_code,
        task_title,
        agency_id,
        agency_name,
        is_collective,
        lead_source,
        report_year,
        deadline_kind,
        recurrence,
        due_date,
        status,
        completed_date,
        reported_on,
        is_due,
        case
            when is_due then coalesce(is_completed and completed_date <= due_date, false)
        end as completed_on_time,
        is_due and not is_completed and due_date < as_of_date as is_overdue,
        case
            when not is_due then null
            when is_completed and completed_date is null then null
            when is_completed then greatest(date_diff('day', due_date, completed_date), 0)
            else greatest(date_diff('day', due_date, as_of_date), 0)
        end as days_overdue,
        not_reported,
        as_of_date

    from flagged

)

select * from final
