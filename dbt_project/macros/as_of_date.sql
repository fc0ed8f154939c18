{#- The date overdue and pending figures are computed as of: var('as_of_date') or today. -#}
{% macro as_of_date() -%}
    {%- if var('as_of_date', none) -%}date '{{ var("as_of_date") }}'{%- else -%}current_date{%- endif -%}
{%- endmacro %}
