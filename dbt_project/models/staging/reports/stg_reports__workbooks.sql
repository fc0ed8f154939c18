with

source as (

    select * from {{ source('reports', 'report_workbooks') }}

),

renamed as (

    select
        workbook_id,
        file_name,
        sha256,
        file_modified_at,
        agency_name_printed,
        agency_id,
        agency_name,
        agency_kind,
        plan_id,
        period,
        -- the months the period covers, by their labels; its days follow the statistical
        -- periods (macros/periods.sql: calendar months unless PLAN389_PERIOD_CUTOFF_DAY is set)
        case
            when period not like '%-%' then 'year'
            when period like '%-H%' then 'half'
            when period like '%-9M' then 'nine_months'
            when period like '%-Q%' then 'quarter'
            else 'month'
        end as period_kind,
        cast(period_start as date) as first_month,
        cast(date_trunc('month', period_end) as date) as last_month,
        {{ stat_month_start('cast(period_start as date)') }} as period_start,
        {{ stat_month_end("cast(date_trunc('month', period_end) as date)") }} as period_end,
        year(period_end) as report_year,
        report_date,
        prepared_by,
        is_superseded,
        superseded_by,
        rows_read,
        rows_loaded,
        rows_quarantined

    from source

)

select * from renamed
