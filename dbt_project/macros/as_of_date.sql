{#- The run's as-of date: every figure counts rows by their own dates up to this day.
    plan389 always passes var('as_of_date') (see pipelines/as_of.py). A dbt command run by hand
    takes the var, else PLAN389_AS_OF, else today in Vietnam, whatever the host's time zone. -#}
{% macro as_of_date() -%}
    {%- set pinned = var('as_of_date', none) or env_var('PLAN389_AS_OF', '') -%}
    {%- if pinned -%}
        date '{{ pinned }}'
    {%- else -%}
        cast(timezone('Asia/Ho_Chi_Minh', current_timestamp) as date)
    {%- endif -%}
{%- endmacro %}

{#- Where the as-of date came from: flag, env, run_config, today (plan389), or var / env / today
    for a dbt command run by hand. -#}
{% macro as_of_source() -%}
    {%- if var('as_of_source', none) -%}
        '{{ var("as_of_source") }}'
    {%- elif var('as_of_date', none) -%}
        'var'
    {%- elif env_var('PLAN389_AS_OF', '') -%}
        'env'
    {%- else -%}
        'today'
    {%- endif -%}
{%- endmacro %}
