with

source as (

    select * from {{ source('plans', 'collective_kinds') }}

),

renamed as (

    select
        group_id,
        agency_kind

    from source

)

select * from renamed
