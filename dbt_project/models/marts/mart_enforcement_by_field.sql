with

enforcement as (

    select * from {{ ref('stg_reports__enforcement') }}

),

workbooks as (

    select * from {{ ref('int_current_workbooks') }}

),

latest as (

    -- an agency's latest current figures for the year and field (quarterly and annual
    -- workbooks may both report them: count them once)
    select
        workbooks.plan_id,
        workbooks.report_year,
        workbooks.agency_id,
        enforcement.*
    from enforcement
    inner join workbooks on enforcement.workbook_id = workbooks.workbook_id
    -- figures sent after the run's as-of date are not counted (see mart_rows_after_as_of)
    where workbooks.report_date <= {{ as_of_date() }}
    qualify row_number() over (
        partition by workbooks.plan_id, workbooks.report_year, workbooks.agency_id, enforcement.field
        order by workbooks.report_date desc, workbooks.file_modified_at desc
    ) = 1

),

final as (

    select
        plan_id || ':' || report_year || ':' || field as enforcement_key,
        plan_id,
        report_year,
        field,
        count(distinct agency_id) as agencies_reporting,
        sum(inspections)::bigint as inspections,
        sum(violations)::bigint as violations,
        sum(coalesce(administrative_cases, 0))::bigint as administrative_cases,
        sum(coalesce(fines_vnd, 0))::bigint as fines_vnd,
        sum(coalesce(goods_value_vnd, 0))::bigint as goods_value_vnd,
        sum(coalesce(prosecutions, 0))::bigint as prosecutions,
        sum(coalesce(defendants, 0))::bigint as defendants

    from latest
    group by plan_id, report_year, field

)

select * from final
