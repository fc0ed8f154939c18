-- Reporting compliance per plan × obligated reporter × reporting year: did the agency send its
-- report workbook by the members' annual deadline (e.g. "trước ngày 30/9")?
with

assignments as (

    select * from {{ ref('stg_plans__task_assignments') }}

),

agencies as (

    select * from {{ ref('stg_plans__agencies') }}

),

workbooks as (

    -- every accepted workbook, superseded ones included: a resubmission does not move the
    -- first submission
    select * from {{ ref('stg_reports__workbooks') }}

),

obligations as (

    select * from {{ ref('stg_plans__reporting_obligations') }}

),

report_years as (

    select * from {{ ref('int_report_years') }}

),

-- Every non-collective agency the plan names (lead or coordinate) must report, and so must
-- every agency that sent a workbook for the plan.
named_agencies as (

    select distinct
        assignments.plan_id,
        assignments.agency_id

    from assignments
    inner join agencies on assignments.agency_id = agencies.agency_id
    where not agencies.is_group

),

submitting_agencies as (

    select
        plan_id,
        agency_id,
        min(agency_name) as agency_name

    from workbooks
    group by plan_id, agency_id

),

reporters as (

    select
        coalesce(named_agencies.plan_id, submitting_agencies.plan_id) as plan_id,
        coalesce(named_agencies.agency_id, submitting_agencies.agency_id) as agency_id,
        coalesce(agencies.agency_name, submitting_agencies.agency_name) as agency_name,
        named_agencies.agency_id is not null as is_named_in_plan

    from named_agencies
    full outer join submitting_agencies
        on named_agencies.plan_id = submitting_agencies.plan_id
        and named_agencies.agency_id = submitting_agencies.agency_id
    left join agencies
        on coalesce(named_agencies.agency_id, submitting_agencies.agency_id) = agencies.agency_id

),

-- The members' deadline: the plan's annual obligation that falls earliest in the year (the
-- standing office's own, later report to the level above is a separate obligation).
ranked_obligations as (

    select
        plan_id,
        obligation_seq,
        due_text,
        due_day,
        due_month,
        row_number() over (
            partition by plan_id
            order by due_month, due_day, obligation_seq
        ) as deadline_rank

    from obligations
    where
        obligation_kind = 'annual'
        and due_day is not null
        and due_month is not null

),

member_deadlines as (

    select * from ranked_obligations
    where deadline_rank = 1

),

submissions as (

    select
        plan_id,
        agency_id,
        report_year,
        min(report_date) as first_submission_date,
        arg_min(workbook_id, (report_date, file_modified_at, workbook_id)) as first_workbook_id,
        max(report_date) as last_submission_date,
        count(*) as workbooks_submitted

    from workbooks
    where report_date <= {{ as_of_date() }}  -- not received yet as of the run's as-of date
    group by plan_id, agency_id, report_year

),

joined as (

    select
        reporters.plan_id,
        reporters.agency_id,
        reporters.agency_name,
        reporters.is_named_in_plan,
        report_years.report_year,
        member_deadlines.obligation_seq,
        member_deadlines.due_text,
        make_date(
            cast(report_years.report_year as bigint),
            cast(member_deadlines.due_month as bigint),
            cast(member_deadlines.due_day as bigint)
        ) as due_date,
        submissions.first_submission_date,
        submissions.first_workbook_id,
        submissions.last_submission_date,
        coalesce(submissions.workbooks_submitted, 0) as workbooks_submitted,
        report_years.as_of_date

    from reporters
    inner join report_years on reporters.plan_id = report_years.plan_id
    left join member_deadlines on reporters.plan_id = member_deadlines.plan_id
    left join submissions
        on reporters.plan_id = submissions.plan_id
        and reporters.agency_id = submissions.agency_id
        and report_years.report_year = submissions.report_year

),

flagged as (

    select
        *,
        coalesce(first_submission_date <= due_date, false) as on_time,
        coalesce(first_submission_date > due_date, false) as is_late,
        first_submission_date is null and coalesce(due_date < as_of_date, false) as is_missing,
        coalesce(due_date <= as_of_date, false) as is_due

    from joined

),

final as (

    select
        plan_id || ':' || agency_id || ':' || report_year as compliance_key,
        plan_id,
        agency_id,
        agency_name,
        is_named_in_plan,
        report_year,
        obligation_seq,
        due_text,
        due_date,
        first_submission_date,
        first_workbook_id,
        last_submission_date,
        workbooks_submitted,
        on_time,
        is_late,
        is_missing,
        is_due,
        case
            when on_time then 'on_time'
            when is_late then 'late'
            when is_missing then 'missing'
            when due_date is null then 'no_deadline'
            else 'pending'
        end as submission_status,
        as_of_date

    from flagged

)

select * from final
