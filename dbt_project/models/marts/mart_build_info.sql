-- One row: the as-of date this build of the marts counted every figure through and where it came
-- from. No build timestamp: the same inputs and as-of date give byte-identical marts (the
-- release folder's name says when it was published).
with

final as (

    select
        {{ as_of_date() }} as as_of_date,
        {{ as_of_source() }} as as_of_source,
        'Asia/Ho_Chi_Minh' as time_zone

)

select * from final
