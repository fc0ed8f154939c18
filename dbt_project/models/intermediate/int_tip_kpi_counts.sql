-- A table, not a view: read by several models and data tests, each of which would otherwise
-- compute it again from the raw rows (national scale: ~1 s a read).
{{ config(materialized='table') }}

-- The counts behind the three tip KPIs, per plan × agency × reporting year, as of the year's
-- as_of_date (its end, or the run's as-of date when earlier). A tip received in the year counts
-- as accepted when it has been accepted by the run's as-of date, even in the next year.
-- "Số phải giải quyết" (tips_to_resolve) = accepted in the year + carried over (accepted before
-- the year and still open on 1 January); only those can count as resolved in the year.
with

tips as (

    select * from {{ ref('int_tips_deduplicated') }}

),

report_years as (

    select * from {{ ref('int_report_years') }}

),

{{ tip_kpi_counts_ctes('tips', 'report_years') }}

select * from final
