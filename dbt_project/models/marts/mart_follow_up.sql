-- Đôn đốc: what each agency has to act on as of the run's as-of date, one row per plan × agency
-- × category × item. The follow-up workbooks (`plan389 follow-up`, the `follow_up` asset) are
-- these rows. Categories:
--   due_soon          a one-off task it leads, not reported completed, due within the horizon
--                     (`follow_up_horizon_days`; the lists show the next N days of it);
--   overdue           a one-off task it leads, past due, not reported completed;
--   no_progress       a task it leads with no progress line in the plan's current reporting
--                     year, once that year's report or the task has fallen due (or the year
--                     is over), and not already listed as overdue or due soon: recurring and
--                     ongoing tasks appear only here;
--   report_due        its report for the year not sent yet, due within the horizon;
--   report_missing    its report past due and not sent (any year);
--   report_late       its report for the current year sent after the deadline;
--   file_refused      a report file refused whole (agency and plan unknown: the office's list);
--   rows_quarantined  a current workbook of its with rows in quarantine, counted per file.
-- A task led by a collective ("các sở, ngành") is listed for each agency the plan names whose
-- kind the collective covers (and each agency that reported through it); a collective with no
-- such agency stays one row, for the standing office.
-- `days`: positive = days overdue (or late), negative = days left, 0 = due on the as-of date.
with

completion as (

    select * from {{ ref('mart_task_completion') }}

),

compliance as (

    select * from {{ ref('mart_reporting_compliance') }}

),

assignments as (

    select * from {{ ref('stg_plans__task_assignments') }}

),

agencies as (

    select * from {{ ref('stg_plans__agencies') }}

),

collective_kinds as (

    select * from {{ ref('stg_plans__collective_kinds') }}

),

quarantine as (

    select * from {{ ref('mart_quarantine') }}

),

ingestion_errors as (

    select * from {{ ref('mart_ingestion_errors') }}

),

parameters as (

    select
        {{ as_of_date() }} as as_of_date,
        {{ as_of_date() }} + to_days({{ var('follow_up_horizon_days', 90) }}) as horizon_end_date

),

-- The plan's current reporting year: the latest it has rows for.
current_years as (

    select
        plan_id,
        max(report_year) as report_year

    from completion
    group by plan_id

),

current_completion as (

    select completion.*
    from completion
    inner join current_years
        on completion.plan_id = current_years.plan_id
        and completion.report_year = current_years.report_year

),

tasks as (

    select distinct
        plan_id,
        task_code,
        task_title,
        report_year,
        deadline_kind,
        due_date,
        as_of_date

    from current_completion

),

named_agencies as (

    select distinct
        assignments.plan_id,
        agencies.agency_id,
        agencies.agency_name,
        agencies.agency_kind

    from assignments
    inner join agencies on assignments.agency_id = agencies.agency_id
    where not agencies.is_group

),

-- Every agency the plan names whose kind a collective lead of the task covers.
collective_members as (

    select distinct
        assignments.plan_id,
        assignments.task_code,
        assignments.agency_id as group_id,
        named_agencies.agency_id,
        named_agencies.agency_name

    from assignments
    inner join agencies on assignments.agency_id = agencies.agency_id
    inner join collective_kinds on assignments.agency_id = collective_kinds.group_id
    inner join named_agencies
        on assignments.plan_id = named_agencies.plan_id
        and collective_kinds.agency_kind = named_agencies.agency_kind
    where assignments.role = 'lead' and agencies.is_group

),

-- Members with no row of their own in the completion mart (they sent no progress line); an
-- agency two collectives of the task cover is listed once.
silent_members as (

    select distinct
        tasks.plan_id,
        tasks.task_code,
        tasks.task_title,
        collective_members.agency_id,
        collective_members.agency_name,
        tasks.report_year,
        tasks.deadline_kind,
        tasks.due_date,
        cast(null as varchar) as status,
        coalesce(tasks.due_date < tasks.as_of_date, false) as is_overdue,
        true as not_reported,
        coalesce(tasks.due_date <= tasks.as_of_date, false) as is_due

    from collective_members
    inner join tasks
        on collective_members.plan_id = tasks.plan_id
        and collective_members.task_code = tasks.task_code
    where not exists (
        select 1
        from current_completion
        where
            current_completion.plan_id = collective_members.plan_id
            and current_completion.task_code = collective_members.task_code
            and current_completion.agency_id = collective_members.agency_id
    )

),

task_leads as (

    select
        plan_id,
        task_code,
        task_title,
        agency_id,
        agency_name,
        report_year,
        deadline_kind,
        due_date,
        status,
        is_overdue,
        not_reported,
        is_due

    from current_completion
    where
        not is_collective
        -- a collective stands for itself only when the plan names none of its members
        or not exists (
            select 1
            from collective_members
            where
                collective_members.plan_id = current_completion.plan_id
                and collective_members.task_code = current_completion.task_code
                and collective_members.group_id = current_completion.agency_id
        )

    union all

    select * from silent_members

),

reports_due_by_year as (

    select
        plan_id,
        agency_id,
        report_year,
        is_due as report_is_due

    from compliance

),

-- Each task lead's one category at most: a one-off task not completed that is past due or due
-- within the horizon is listed by its date; otherwise a task with no progress line once the
-- year's report or the task has fallen due (or the year is over) is listed as no_progress.
task_categories as (

    select
        task_leads.*,
        parameters.as_of_date,
        case
            when
                task_leads.deadline_kind = 'once'
                and coalesce(task_leads.status, '') <> 'completed'
                and task_leads.is_overdue
                then 'overdue'
            when
                task_leads.deadline_kind = 'once'
                and coalesce(task_leads.status, '') <> 'completed'
                and task_leads.due_date between parameters.as_of_date
                and parameters.horizon_end_date
                then 'due_soon'
            when
                task_leads.not_reported
                and (
                    task_leads.is_due
                    or coalesce(reports_due_by_year.report_is_due, false)
                    or make_date(cast(task_leads.report_year as bigint), 12, 31)
                    < parameters.as_of_date
                )
                then 'no_progress'
        end as category

    from task_leads
    cross join parameters
    left join reports_due_by_year
        on task_leads.plan_id = reports_due_by_year.plan_id
        and task_leads.agency_id = reports_due_by_year.agency_id
        and task_leads.report_year = reports_due_by_year.report_year

),

task_items as (

    select
        plan_id,
        agency_id,
        agency_name,
        category,
        'task' as item_kind,
        task_code,
        task_title as item,
        report_year,
        deadline_kind,
        due_date,
        date_diff('day', due_date, as_of_date) as days,
        status

    from task_categories
    where category is not null

),

report_items as (

    select
        compliance.plan_id,
        compliance.agency_id,
        compliance.agency_name,
        case
            when compliance.is_missing then 'report_missing'
            when compliance.is_late then 'report_late'
            else 'report_due'
        end as category,
        'report' as item_kind,
        'Báo cáo năm ' || compliance.report_year as item,
        compliance.report_year,
        compliance.due_date,
        case
            when compliance.is_late
                then date_diff('day', compliance.due_date, compliance.first_submission_date)
            else date_diff('day', compliance.due_date, parameters.as_of_date)
        end as days,
        compliance.submission_status as status,
        compliance.due_text as detail

    from compliance
    cross join parameters
    left join current_years on compliance.plan_id = current_years.plan_id
    where
        compliance.is_missing
        or (compliance.is_late and compliance.report_year = current_years.report_year)
        or (
            compliance.first_submission_date is null
            and compliance.due_date between parameters.as_of_date
            and parameters.horizon_end_date
        )

),

quarantined_files as (

    select
        plan_id,
        agency_id,
        min(agency_name) as agency_name,
        'rows_quarantined' as category,
        'file' as item_kind,
        file_name as item,
        file_name,
        count(distinct sheet || ':' || row_number) as rows_quarantined,
        min(period) as detail

    from quarantine
    where not coalesce(is_superseded, false) and plan_id is not null
    group by plan_id, agency_id, file_name

),

refused_files as (

    select
        'file_refused' as category,
        'file' as item_kind,
        file_name as item,
        file_name,
        string_agg(reason, '; ' order by reason) as detail

    from ingestion_errors
    where source_domain = 'reports' and is_refused
    group by file_name

),

-- Each kind of item has its own columns; the others are null (a file refused whole has no
-- plan or agency: the office's list).
items as (

    select * from task_items
    union all by name
    select * from report_items
    union all by name
    select * from quarantined_files
    union all by name
    select * from refused_files

),

final as (

    select
        coalesce(items.plan_id, '_refused')
        || ':' || coalesce(items.agency_id, '')
        || ':' || items.category
        || ':' || coalesce(items.task_code, cast(items.report_year as varchar), items.file_name)
            as follow_up_key,
        items.plan_id,
        items.agency_id,
        items.agency_name,
        items.category,
        items.item_kind,
        items.task_code,
        items.item,
        items.report_year,
        items.deadline_kind,
        items.due_date,
        items.days,
        items.status,
        items.file_name,
        items.rows_quarantined,
        items.detail,
        parameters.as_of_date

    from items
    cross join parameters

)

select * from final
