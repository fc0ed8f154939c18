{#- Statistical periods (pipelines/periods.py says the same in Python). Calendar months unless
    var('period_cutoff_day') (plan389 passes PLAN389_PERIOD_CUTOFF_DAY) or, for a dbt command run
    by hand, PLAN389_PERIOD_CUTOFF_DAY gives a day D from 2 to 28: then the month labelled M runs
    from day D of M-1 to day D-1 of M, and the year Y from D/12/(Y-1) to (D-1)/12/Y. -#}
{% macro period_cutoff_day() -%}
    {%- set value = var('period_cutoff_day', none) or env_var('PLAN389_PERIOD_CUTOFF_DAY', '') -%}
    {%- if value in (none, '') -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set day = value | int -%}
    {%- if day < 2 or day > 28 -%}
        {{- exceptions.raise_compiler_error("PLAN389_PERIOD_CUTOFF_DAY must be a day from 2 to 28, got " ~ value) -}}
    {%- endif -%}
    {{- return(day) -}}
{%- endmacro %}

{#- The first day of the month that labels the statistical month a date falls in. -#}
{% macro stat_month(day) -%}
    {%- set cutoff = period_cutoff_day() -%}
    {%- if cutoff is none -%}
        cast(date_trunc('month', {{ day }}) as date)
    {%- else -%}
        cast(date_trunc('month', {{ day }} - interval {{ cutoff - 1 }} day) + interval 1 month as date)
    {%- endif -%}
{%- endmacro %}

{#- The statistical year a date falls in. -#}
{% macro stat_year(day) -%}
    year({{ stat_month(day) }})
{%- endmacro %}

{#- First and last day of the statistical month labelled by `month` (its first day). -#}
{% macro stat_month_start(month) -%}
    {%- set cutoff = period_cutoff_day() -%}
    {%- if cutoff is none -%}
        cast({{ month }} as date)
    {%- else -%}
        cast({{ month }} - interval 1 month + interval {{ cutoff - 1 }} day as date)
    {%- endif -%}
{%- endmacro %}

{% macro stat_month_end(month) -%}
    {%- set cutoff = period_cutoff_day() -%}
    {%- if cutoff is none -%}
        last_day(cast({{ month }} as date))
    {%- else -%}
        cast({{ month }} + interval {{ cutoff - 2 }} day as date)
    {%- endif -%}
{%- endmacro %}

{#- First and last day of a statistical year. -#}
{% macro stat_year_start(year) -%}
    {{ stat_month_start('make_date(' ~ year ~ ', 1, 1)') }}
{%- endmacro %}

{% macro stat_year_end(year) -%}
    {{ stat_month_end('make_date(' ~ year ~ ', 12, 1)') }}
{%- endmacro %}
