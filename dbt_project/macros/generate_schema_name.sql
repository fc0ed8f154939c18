{#- Use the folder's schema name as is (staging, intermediate, marts) instead of prefixing
    the target schema, so analysts query `marts.mart_x`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
