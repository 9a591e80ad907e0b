"""Date input in the Vietnamese order. Django's "vi" locale leaves the input formats to the
US defaults (month first), so "05/11/2026" would be read as 11 May and the admin calendar
would write 2026-11-05. Only what is set here overrides Django's "vi" formats."""

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
]
FIRST_DAY_OF_WEEK = 1  # Monday
