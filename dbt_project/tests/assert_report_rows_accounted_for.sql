-- Every row read from a workbook sheet is either loaded or quarantined.
select *
from {{ ref('stg_reports__sheet_counts') }}
where rows_read != rows_loaded + rows_quarantined
