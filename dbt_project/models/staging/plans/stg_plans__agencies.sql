with

source as (

    select * from {{ source('plans', 'agencies') }}

),

renamed as (

    select
        agency_id,
        name as agency_name,
        kind as agency_kind,
        locality,
        locality_code,
        is_group,
        aliases

    from source

)

select * from renamed
