-- A table, not a view: read by several models and data tests, each of which would otherwise
-- compute it again from the raw rows (national scale: ~1 s a read).
{{ config(materialized='table') }}

-- Who answers for each task in each reporting year: plan × task × lead agency × report_year.
-- A direct lead (chủ trì / thực hiện) is one row. A collective lead ("UBND các xã, phường",
-- "Các sở, ban, ngành") becomes one row per agency of a kind it covers that sent a progress line
-- for the task that year, or, when none did, one row for the collective itself. An agency that
-- is both a direct lead and covered by a collective appears once, as a direct lead.
with

assignments as (

    select * from {{ ref('stg_plans__task_assignments') }}

),

agencies as (

    select * from {{ ref('stg_plans__agencies') }}

),

collective_kinds as (

    select * from {{ ref('stg_plans__collective_kinds') }}

),

report_years as (

    select * from {{ ref('int_report_years') }}

),

progress as (

    select * from {{ ref('int_task_progress_current') }}

),

workbooks as (

    select * from {{ ref('int_current_workbooks') }}

),

lead_assignments as (

    select
        assignments.plan_id,
        assignments.task_code,
        assignments.agency_id,
        agencies.agency_name,
        agencies.agency_kind,
        agencies.is_group

    from assignments
    inner join agencies on assignments.agency_id = agencies.agency_id
    where assignments.role = 'lead'

),

lead_years as (

    select
        lead_assignments.*,
        report_years.report_year

    from lead_assignments
    inner join report_years on lead_assignments.plan_id = report_years.plan_id

),

-- Who reported on which task in which year, with the kind of agency the workbook was sent by
-- (an agency reporting through a collective, such as a ward, need not be named in the plan).
reporters as (

    select
        progress.plan_id,
        progress.task_code,
        progress.report_year,
        progress.agency_id,
        workbooks.agency_name,
        workbooks.agency_kind

    from progress
    inner join workbooks on progress.workbook_id = workbooks.workbook_id

),

direct_leads as (

    select
        plan_id,
        task_code,
        report_year,
        agency_id,
        agency_name,
        agency_kind,
        cast(null as varchar) as via_group_id,
        'direct' as lead_source,
        1 as source_priority

    from lead_years
    where not is_group

),

collective_members as (

    select distinct
        lead_years.plan_id,
        lead_years.task_code,
        lead_years.report_year,
        reporters.agency_id,
        reporters.agency_name,
        reporters.agency_kind,
        lead_years.agency_id as via_group_id,
        'collective_member' as lead_source,
        2 as source_priority

    from lead_years
    inner join collective_kinds on lead_years.agency_id = collective_kinds.group_id
    inner join reporters
        on lead_years.plan_id = reporters.plan_id
        and lead_years.task_code = reporters.task_code
        and lead_years.report_year = reporters.report_year
        and collective_kinds.agency_kind = reporters.agency_kind
    where lead_years.is_group

),

unreported_collectives as (

    select
        lead_years.plan_id,
        lead_years.task_code,
        lead_years.report_year,
        lead_years.agency_id,
        lead_years.agency_name,
        lead_years.agency_kind,
        lead_years.agency_id as via_group_id,
        'collective' as lead_source,
        3 as source_priority

    from lead_years
    where
        lead_years.is_group
        and not exists (
            select 1
            from collective_members
            where
                collective_members.plan_id = lead_years.plan_id
                and collective_members.task_code = lead_years.task_code
                and collective_members.report_year = lead_years.report_year
                and collective_members.via_group_id = lead_years.agency_id
        )

),

candidates as (

    select * from direct_leads
    union all
    select * from collective_members
    union all
    select * from unreported_collectives

),

deduplicated as (

    select
        *,
        row_number() over (
            partition by plan_id, task_code, report_year, agency_id
            order by source_priority, via_group_id
        ) as candidate_rank

    from candidates

),

final as (

    select
        plan_id || ':' || task_code || ':' || agency_id || ':' || report_year as lead_key,
        plan_id || ':' || task_code as task_key,
        plan_id,
        task_code,
        report_year,
        agency_id,
        agency_name,
        agency_kind,
        lead_source = 'collective' as is_collective,
        lead_source,
        via_group_id

    from deduplicated
    where candidate_rank = 1

)

select * from final
