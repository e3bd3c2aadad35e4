from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from placements.models import Flag
from tests.factories import (
    AttendanceMarkFactory,
    PartnershipFactory,
    ProviderAuditFactory,
    ProviderFactory,
    PupilFactory,
    SchoolFactory,
    VisitFactory,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = pytest.mark.django_db

AT = "2026-11-23T15:00"


def add_pupils(count, *, schools, providers, offset=0):
    for n in range(offset, offset + count):
        pupil = PupilFactory(
            school=schools[n % len(schools)],
            sen_status="ehcp" if n % 7 == 0 else "none",
            looked_after=n % 11 == 0,
        )
        placement = placement_with_timetable(
            pupil=pupil,
            provider=providers[n % len(providers)],
            days=(0, 1, 2) if n % 5 == 0 else (0, 1),
            start_date=date(2026, 9, 7),
        )
        if n % 2:
            VisitFactory(placement=placement, date=date(2026, 10, 7))
        if n % 3:
            AttendanceMarkFactory(
                placement=placement, date=date(2026, 11, 23), session="AM", code="N" if n % 4 == 0 else "B"
            )


def run_checks_queries():
    Flag.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        call_command("run_checks", "--at", AT, stdout=None)
    return len(queries)


def test_a_full_run_makes_the_same_number_of_queries_for_10_and_200_pupils():
    seed_calendar(2026)
    partnership = PartnershipFactory()
    schools = [SchoolFactory(partnership=partnership), SchoolFactory(partnership=partnership)]
    providers = [ProviderFactory(), ProviderFactory(), ProviderFactory(registration_status="registered")]
    ProviderAuditFactory(provider=providers[0])
    add_pupils(10, schools=schools, providers=providers)
    small = run_checks_queries()
    small_flags = Flag.objects.count()
    add_pupils(190, schools=schools, providers=providers, offset=10)
    large = run_checks_queries()
    assert Flag.objects.count() > 10 * small_flags
    # SQLite caps the parameters of one statement, so Django splits bulk writes and long IN lists
    # into batches there: a few more queries, still nowhere near one per pupil (190 more here).
    slack = {"postgresql": 2}.get(connection.vendor, 25)
    assert abs(large - small) <= slack, (connection.vendor, small, large)


def test_run_checks_prints_opened_resolved_and_open_counts_per_kind(capsys):
    seed_calendar(2026)
    placement_with_timetable(days=(0, 1, 2), start_date=date(2026, 9, 7))
    call_command("run_checks", "--at", AT)
    out = capsys.readouterr().out
    assert "as at 23 November 2026 15:00" in out
    line = next(line for line in out.splitlines() if line.startswith("hours_breach_pupil"))
    assert line.split()[1:] == ["1", "0", "1"]
    call_command("run_checks", "--at", AT)
    line = next(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("hours_breach_pupil")
    )
    assert line.split()[1:] == ["0", "0", "1"]


def test_the_migration_installs_the_beat_schedule_and_reinstalling_changes_nothing():
    tasks = {t.name: t for t in PeriodicTask.objects.select_related("crontab")}
    morning = tasks["Attendance checks after the morning register"]
    assert morning.task == "apdash.run_checks" and '"attendance"' in morning.kwargs
    cron = morning.crontab
    assert (cron.minute, cron.hour, cron.day_of_week, str(cron.timezone)) == (
        "35",
        "10",
        "1-5",
        "Europe/London",
    )
    afternoon = tasks["Attendance checks after the afternoon register"].crontab
    assert (afternoon.minute, afternoon.hour) == ("35", "14")
    assert '"nightly"' in tasks["Nightly compliance checks"].kwargs
    assert tasks["Morning digest of new red flags"].task == "placements.email_red_flag_digest"
    frequent = tasks["Frequent checks (concern acknowledgement)"]
    assert '"frequent"' in frequent.kwargs and frequent.crontab.minute == "*/15"
    links = tasks["Morning register links to providers"]
    assert links.task == "placements.email_register_links"
    assert (links.crontab.minute, links.crontab.hour, links.crontab.day_of_week) == ("30", "7", "1-5")
    call_command("install_schedule")
    assert PeriodicTask.objects.filter(name__in=tasks).count() == len(tasks)
