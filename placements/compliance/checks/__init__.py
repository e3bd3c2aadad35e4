"""The placement compliance checks, one module per check. Each is `run_<check>(now) ->
list[CheckResult]`: a handful of set-based queries, the pure rules over the fetched rows, then
`flags_sync` per kind. Query counts do not depend on the number of pupils."""


def register_checks() -> None:
    """Called from PlacementsConfig.ready(): `run_checks`, the tasks and the beat schedule find
    these in `apdash.checks`."""
    from apdash import checks as registry

    from . import attendance, audits, hours, notices, registration, reviews, time_limits, timetable, visits

    registry.register("visits", visits.run_visits)
    registry.register("hours", hours.run_hours)
    registry.register("attendance", attendance.run_attendance, schedule="attendance")
    registry.register("audits", audits.run_audits)
    registry.register("reviews", reviews.run_reviews)
    registry.register("timetable", timetable.run_timetable)
    registry.register("registration", registration.run_registration)
    registry.register("notices", notices.run_notices)
    registry.register("time_limits", time_limits.run_time_limits)
