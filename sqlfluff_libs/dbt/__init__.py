"""Lint-time stand-ins for dbt's cross-database macros (sqlfluff jinja templater).

Each returns plausible SQL of the same shape as the real macro so that sqlfluff
parses models without the (slow) dbt templater. Never used at run time.
"""


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"({from_date_or_timestamp} + interval ({interval}) {datepart})"


def datediff(first_date, second_date, datepart):
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def date_spine(datepart, start_date, end_date):
    return (
        f"select cast(range as date) as date_{datepart} "
        f"from range({start_date}, {end_date}, interval 1 {datepart})"
    )


def last_day(date, datepart):
    return f"last_day({date})"


def hash(field):  # noqa: A001 - mirrors dbt.hash
    return f"md5(cast({field} as varchar))"


def concat(fields):
    return "concat(" + ", ".join(fields) + ")"


def safe_cast(field, type_):
    return f"cast({field} as {type_})"


def current_timestamp():
    return "current_timestamp"


def bool_or(expression):
    return f"bool_or({expression})"


def listagg(measure, delimiter_text="','", order_by_clause=None, limit_num=None):
    return f"string_agg({measure}, {delimiter_text})"


def split_part(string_text, delimiter_text, part_number):
    return f"split_part({string_text}, {delimiter_text}, {part_number})"


def type_string():
    return "varchar"


def type_timestamp():
    return "timestamp"


def type_int():
    return "integer"


def type_bigint():
    return "bigint"


def type_float():
    return "double"


def type_numeric():
    return "numeric(28, 6)"


def type_boolean():
    return "boolean"
