"""Registers: the provider's signed link and page, the coordinator's grid, follow-ups, imports and
attendance figures."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apdash.models import Role
from placements.attendance import selectors as attendance_selectors
from placements.attendance import services as attendance_services
from placements.models import AttendanceMark, FollowUp, Placement, RegisterLink
from tests.factories import (
    AttendanceMarkFactory,
    ClosureFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
    member,
    placement_with_timetable,
    seed_calendar,
)

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2026, 11, 18)


@pytest.fixture
def today(monkeypatch):
    """Pin "today" to a Wednesday in Autumn 2 2026, so every test sees the same school days."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: WEDNESDAY)
    seed_calendar(2026)
    return WEDNESDAY


def _link(provider, day):
    return attendance_services.register_link_create(provider=provider, date=day)


def _url(token):
    return reverse("placements:register_by_link", args=[token])


def _scheduled(provider, school=None, *, days=(2,), start=time(9, 0), end=time(15, 0), **kwargs):
    school = school or SchoolFactory()
    return placement_with_timetable(
        provider=provider,
        pupil=PupilFactory(school=school),
        days=days,
        start=start,
        end=end,
        start_date=date(2026, 9, 7),
        **kwargs,
    )


# --- The provider's link -------------------------------------------------------------------------


def test_the_link_shows_exactly_the_pupils_timetabled_there_that_day(client, today):
    here = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    provider = here.provider
    monday_only = _scheduled(provider, days=(0,))
    elsewhere = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    ended = _scheduled(provider)
    Placement.objects.filter(pk=ended.pk).update(end_date=date(2026, 11, 1), status="ended")
    closed_school = SchoolFactory()
    ClosureFactory(date=today, school=closed_school, reason="INSET day")
    at_closed_school = _scheduled(provider, closed_school)

    _, token = _link(provider, today)
    page = client.get(_url(token)).content.decode()

    assert here.pupil.full_name in page
    for other in (monday_only, elsewhere, ended, at_closed_school):
        assert other.pupil.full_name not in page


def test_the_register_offers_only_the_sessions_on_the_timetable(today):
    morning = placement_with_timetable(
        days=(2,), start=time(9, 0), end=time(12, 0), start_date=date(2026, 9, 7)
    )
    afternoon = _scheduled(morning.provider, start=time(13, 0), end=time(15, 30))
    rows = {
        r.placement.pk: r.sessions
        for r in attendance_selectors.register_rows(provider_id=morning.provider_id, day=today)
    }
    assert rows == {morning.pk: ("AM",), afternoon.pk: ("PM",)}


def test_marking_a_pupil_absent_with_no_contact_records_n_for_the_school(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    _, token = _link(placement.provider, today)
    response = client.post(
        _url(token),
        {f"status-{placement.pk}-AM": "absent", f"reason-{placement.pk}-AM": "no_contact"},
        follow=True,
    )
    assert "Register sent: 1 mark recorded" in response.content.decode()
    mark = AttendanceMark.objects.get()
    assert (mark.date, mark.session, mark.code, mark.absence_reason) == (today, "AM", "N", "no_contact")
    assert mark.source == AttendanceMark.Source.PROVIDER_LINK


def test_sending_the_register_twice_updates_the_marks_in_place(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    _, token = _link(placement.provider, today)
    client.post(
        _url(token), {f"status-{placement.pk}-AM": "attended", f"status-{placement.pk}-PM": "attended"}
    )
    client.post(
        _url(token),
        {
            f"status-{placement.pk}-AM": "attended",
            f"status-{placement.pk}-PM": "late",
            f"late-{placement.pk}-PM": "20",
        },
    )
    marks = {m.session: m for m in AttendanceMark.objects.all()}
    assert len(marks) == 2 and AttendanceMark.objects.count() == 2
    assert marks["PM"].code == "B" and marks["PM"].minutes_late == 20
    assert "Sent: B" in client.get(_url(token)).content.decode()


def test_a_late_or_absent_mark_without_its_detail_is_refused_and_nothing_is_saved(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    other = _scheduled(placement.provider)
    _, token = _link(placement.provider, today)
    response = client.post(
        _url(token),
        {
            f"status-{placement.pk}-AM": "late",
            f"status-{other.pk}-AM": "absent",
            f"status-{other.pk}-PM": "attended",
        },
    )
    page = response.content.decode()
    assert f"Enter how many minutes late {placement.pupil.full_name} (morning) was" in page
    assert f"Choose why {other.pupil.full_name} (morning) was absent" in page
    assert AttendanceMark.objects.count() == 0


def test_a_link_for_one_provider_cannot_mark_or_read_another_providers_pupils(client, today):
    mine = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    theirs = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    _, token = _link(mine.provider, today)
    page = client.get(_url(token)).content.decode()
    assert theirs.pupil.full_name not in page and theirs.provider.name not in page
    client.post(_url(token), {f"status-{theirs.pk}-AM": "absent", f"reason-{theirs.pk}-AM": "ill"})
    assert not AttendanceMark.objects.filter(placement=theirs).exists()
    # The token opens the register page and nothing else: not the pupil pages, not the grid.
    assert client.get(reverse("placements:pupil_detail", args=[mine.pupil.pk])).status_code == 302
    assert client.get(reverse("placements:register_grid")).status_code == 302


def test_a_link_works_for_its_date_only_and_a_changed_token_is_refused(client, today):
    placement = placement_with_timetable(days=(1, 2), start_date=date(2026, 9, 7))
    link, token = _link(placement.provider, today)
    payload = signing.loads(token, salt=attendance_services.REGISTER_LINK_SALT)
    for forged in (
        {**payload, "d": (today - timedelta(days=1)).isoformat()},
        {**payload, "p": placement.provider_id + 1},
    ):
        # Re-signed with a guessed key, or the right token with its payload swapped: both refused.
        assert (
            client.get(
                _url(signing.dumps(forged, key="guess", salt=attendance_services.REGISTER_LINK_SALT))
            ).status_code
            == 404
        )
        assert client.get(_url(token[:-3] + "abc")).status_code == 404
    # Even a genuinely signed token naming another date does not match the link it points to.
    other_day = signing.dumps(
        {**payload, "d": "2026-11-17"}, salt=attendance_services.REGISTER_LINK_SALT, compress=True
    )
    assert client.get(_url(other_day)).status_code == 404
    assert client.get(_url(token)).status_code == 200


def test_a_link_expires_after_the_next_day_and_does_not_open_before_its_day(client, today, monkeypatch):
    placement = placement_with_timetable(days=(2, 3, 4), start_date=date(2026, 9, 7))
    _, token = _link(placement.provider, today)
    _, tomorrow_token = _link(placement.provider, today + timedelta(days=1))
    assert client.get(_url(token)).status_code == 200
    assert client.get(_url(tomorrow_token)).status_code == 404
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + timedelta(days=1))
    assert client.get(_url(token)).status_code == 200
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today + timedelta(days=2))
    assert client.get(_url(token)).status_code == 404


def test_a_revoked_link_stops_working(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    link, token = _link(placement.provider, today)
    coordinator = member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school)
    client.force_login(coordinator)
    client.post(reverse("placements:register_link_revoke", args=[link.pk]))
    client.logout()
    assert RegisterLink.objects.get().revoked_at is not None
    assert client.get(_url(token)).status_code == 404
    client.post(_url(token), {f"status-{placement.pk}-AM": "attended"})
    assert not AttendanceMark.objects.exists()


def test_provider_staff_signed_in_get_the_same_register_for_their_provider_only(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    other = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    client.force_login(member(Role.PROVIDER_STAFF, provider=placement.provider))
    url = reverse("placements:provider_register", args=[placement.provider_id])
    assert placement.pupil.full_name in client.get(url).content.decode()
    assert client.get(reverse("placements:provider_register", args=[other.provider_id])).status_code == 404
    client.post(url, {f"status-{placement.pk}-AM": "absent", f"reason-{placement.pk}-AM": "ill"})
    mark = AttendanceMark.objects.get()
    assert mark.code == "I" and mark.source == AttendanceMark.Source.PROVIDER_STAFF


@pytest.mark.parametrize(
    "arranged_by, code", [("school", "B"), ("partnership", "B"), ("local_authority", "K")]
)
def test_attended_is_coded_b_unless_the_local_authority_arranged_the_provision(
    client, today, arranged_by, code
):
    placement = placement_with_timetable(
        days=(2,), start_date=date(2026, 9, 7), commissioned_by="partnership", arranged_by=arranged_by
    )
    _, token = _link(placement.provider, today)
    client.post(_url(token), {f"status-{placement.pk}-AM": "attended"})
    assert AttendanceMark.objects.get().code == code


def test_each_school_morning_providers_with_pupils_that_day_are_emailed_their_link(client, today):
    from placements.attendance.tasks import email_register_links

    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    placement_with_timetable(days=(0,), start_date=date(2026, 9, 7))  # nobody there on Wednesdays
    assert email_register_links.delay(today.isoformat()).get() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [placement.provider.contact_email]
    link_path = next(line for line in message.body.splitlines() if "/register/" in line).strip()
    assert (
        placement.pupil.full_name in client.get(link_path[link_path.index("/register/") :]).content.decode()
    )
    email_register_links.delay(today.isoformat())
    assert RegisterLink.objects.count() == 1, "a re-run the same morning sends the same link, not a new one"


# --- The coordinator's grid and follow-ups --------------------------------------------------------


def _grid(client, school, week=WEDNESDAY):
    return client.get(reverse("placements:register_grid"), {"school": school.pk, "week": week.isoformat()})


def test_the_coordinator_changes_a_code_on_the_grid(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    AttendanceMarkFactory(placement=placement, date=today, session="AM", code="N")
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    response = client.post(
        f"{reverse('placements:register_grid')}?school={placement.pupil.school_id}&week={today}",
        {f"code-{placement.pk}-{today}-AM": "i", f"code-{placement.pk}-{today}-PM": "B"},
    )
    assert response.status_code == 302
    assert dict(AttendanceMark.objects.values_list("session", "code")) == {"AM": "I", "PM": "B"}


def test_a_code_that_is_not_a_dfe_code_is_refused_with_the_pupil_and_session(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    response = client.post(
        f"{reverse('placements:register_grid')}?school={placement.pupil.school_id}&week={today}",
        {f"code-{placement.pk}-{today}-AM": "Y8", f"code-{placement.pk}-{today}-PM": "B"},
    )
    assert f"{placement.pupil.full_name}, Wednesday morning: “Y8” is not a DfE attendance code" in (
        response.content.decode()
    )
    assert not AttendanceMark.objects.exists()


def test_mark_all_attended_asks_first_then_fills_only_unmarked_sessions_that_have_ended(
    client, today, monkeypatch
):
    from datetime import datetime as real_datetime

    evening = timezone.make_aware(real_datetime(today.year, today.month, today.day, 18))
    monkeypatch.setattr(timezone, "now", lambda: evening)
    placement = placement_with_timetable(days=(0, 2, 4), start_date=date(2026, 9, 7))
    AttendanceMarkFactory(placement=placement, date=today, session="AM", code="I")
    coordinator = member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school)
    client.force_login(coordinator)
    url = f"{reverse('placements:register_grid')}?school={placement.pupil.school_id}&week={today}"
    asked = client.post(url, {"action": "mark_all"}).content.decode()
    assert "Mark 3 sessions as attended?" in asked and "never changed" in asked
    assert AttendanceMark.objects.count() == 1
    client.post(url, {"action": "mark_all_confirmed"})
    marks = {(m.date, m.session): m for m in AttendanceMark.objects.all()}
    monday = today - timedelta(days=2)
    assert {key: m.code for key, m in marks.items()} == {
        (monday, "AM"): "B",
        (monday, "PM"): "B",
        (today, "AM"): "I",
        (today, "PM"): "B",
    }
    assert marks[(monday, "AM")].source == AttendanceMark.Source.COORDINATOR
    assert marks[(monday, "AM")].recorded_by == coordinator


def test_mark_all_attended_never_touches_a_session_that_has_not_ended(client, monkeypatch):
    from datetime import datetime as real_datetime

    seed_calendar(2026)
    wednesday = date(2026, 11, 25)
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    # 12:30 on the Wednesday: the morning (ends 12:00) is over, the afternoon (ends 15:15) is not.
    moment = timezone.make_aware(real_datetime(2026, 11, 25, 12, 30))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: wednesday)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    url = f"{reverse('placements:register_grid')}?school={placement.pupil.school_id}&week={wednesday}"
    client.post(url, {"action": "mark_all_confirmed"})
    assert list(AttendanceMark.objects.values_list("date", "session", "code")) == [(wednesday, "AM", "B")]


def test_mark_all_attended_does_not_overwrite_a_mark_that_arrived_meanwhile(today):
    from placements.attendance import services

    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    AttendanceMarkFactory(placement=placement, date=today, session="AM", code="I")
    services.attendance_mark_all_attended(
        actor=UserFactory(),
        entries=[
            {"placement": placement, "date": today, "session": s, "status": "attended"} for s in ("AM", "PM")
        ],
    )
    assert dict(AttendanceMark.objects.values_list("session", "code")) == {"AM": "I", "PM": "B"}


def test_another_schools_coordinator_sees_none_of_the_pupils_on_their_grid(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    outsider = member(Role.SCHOOL_COORDINATOR, school=SchoolFactory())
    client.force_login(outsider)
    assert placement.pupil.full_name not in _grid(client, outsider.memberships.get().school).content.decode()
    assert _grid(client, placement.pupil.school).status_code == 404
    url = reverse("placements:follow_up_create", args=[placement.pk, today.isoformat(), "AM"])
    assert client.get(url).status_code == 404


def test_a_missing_mark_is_followed_up_as_n_and_shows_the_time_taken(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    coordinator = member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school)
    client.force_login(coordinator)
    monday = today - timedelta(days=2)
    placement.timetable.update(weekday=0)
    page = _grid(client, placement.pupil.school).content.decode()
    assert "Missing" in page
    contacted_at = timezone.now() - timedelta(minutes=5)
    response = client.post(
        reverse("placements:follow_up_create", args=[placement.pk, monday.isoformat(), "AM"]),
        {
            "contacted": "Parent by phone",
            "contacted_on": timezone.localtime(contacted_at).strftime("%d/%m/%Y"),
            "contacted_time": timezone.localtime(contacted_at).strftime("%H:%M"),
            "outcome": "safe_and_well",
        },
        follow=True,
    )
    assert "Follow-up recorded" in response.content.decode()
    mark = AttendanceMark.objects.get()
    assert (mark.date, mark.session, mark.code) == (monday, "AM", "N")
    assert mark.follow_ups.get().outcome == FollowUp.Outcome.SAFE_AND_WELL
    assert "Followed up" in response.content.decode()


def test_the_elapsed_time_from_mark_to_follow_up_is_shown_on_the_grid(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    mark = AttendanceMarkFactory(placement=placement, date=today, session="AM", code="N")
    marked_at = timezone.make_aware(datetime.combine(today, time(9, 40)))
    AttendanceMark.objects.filter(pk=mark.pk).update(recorded_at=marked_at, first_recorded_at=marked_at)
    attendance_services.follow_up_record(
        placement=placement,
        date=today,
        session="AM",
        contacted="Mother by phone",
        contacted_at=marked_at + timedelta(hours=1, minutes=5),
        outcome=FollowUp.Outcome.SAFE_AND_WELL,
    )
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    page = _grid(client, placement.pupil.school).content.decode()
    assert "Followed up" in page and "after 1 hour 5 minutes" in page


def test_a_follow_up_contact_time_in_the_future_or_before_the_absence_is_refused(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    AttendanceMarkFactory(placement=placement, date=today, session="AM", code="O")
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    later = timezone.localtime() + timedelta(hours=2)
    response = client.post(
        reverse("placements:follow_up_create", args=[placement.pk, today.isoformat(), "AM"]),
        {
            "contacted": "Parent",
            "contacted_on": later.strftime("%d/%m/%Y"),
            "contacted_time": later.strftime("%H:%M"),
            "outcome": "escalated",
        },
    )
    assert "The time of contact cannot be in the future" in response.content.decode()
    response = client.post(
        reverse("placements:follow_up_create", args=[placement.pk, today.isoformat(), "AM"]),
        {
            "contacted": "Parent",
            "contacted_on": "17/11/2026",
            "contacted_time": "16:00",
            "outcome": "escalated",
        },
    )
    assert "The contact cannot be before the absence (18 November 2026)" in response.content.decode()
    assert not FollowUp.objects.exists()


# --- Importing a provider's register -------------------------------------------------------------


def _import(client, provider, text):
    return client.post(
        reverse("placements:attendance_import"),
        {"provider": provider.pk, "file": SimpleUploadedFile("register.csv", text.encode(), "text/csv")},
        follow=True,
    )


def test_a_providers_register_file_is_imported_whole(client, today):
    placement = placement_with_timetable(days=(1, 2), start_date=date(2026, 9, 7))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    upn = placement.pupil.upn
    text = (
        "upn,date,session,status,minutes_late,reason,note\n"
        f"{upn},17/11/2026,AM,attended,,,\n"
        f"{upn},17/11/2026,PM,late,15,,\n"
        f"{upn},2026-11-18,AM,absent,,medical,Dentist\n"
    )
    assert "Imported 3 marks" in _import(client, placement.provider, text).content.decode()
    codes = dict(((m.date.day, m.session), (m.code, m.minutes_late)) for m in AttendanceMark.objects.all())
    assert codes == {(17, "AM"): ("B", 0), (17, "PM"): ("B", 15), (18, "AM"): ("M", 0)}


def test_a_register_file_with_a_bad_row_imports_nothing_and_names_the_rows(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    stranger = PupilFactory()
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    upn = placement.pupil.upn
    text = (
        "upn,date,session,status\n"
        f"{upn},18/11/2026,AM,attended\n"
        f"{upn},18/11/2026,XX,attended\n"
        f"{stranger.upn},18/11/2026,AM,attended\n"
        f"{upn},16/11/2026,AM,attended\n"
        f"{upn},18/11/2026,PM,absent\n"
    )
    page = _import(client, placement.provider, text).content.decode()
    assert "Row 3: session must be AM or PM, not “XX”" in page
    assert f"Row 4: no pupil with UPN “{stranger.upn}” is placed at this provider on 18 November 2026" in page
    assert f"Row 5: {placement.pupil.full_name} is not timetabled there on 16 November 2026 (AM)" in page
    assert "Row 6: an absence needs a reason" in page
    assert not AttendanceMark.objects.exists()


def test_importing_a_register_file_takes_the_same_queries_however_many_rows(client, today):
    """A provider's half-term file runs to 10,000 rows: no query may be made per row."""
    first = placement_with_timetable(days=(0, 1, 2), start_date=date(2026, 9, 7))
    second = placement_with_timetable(
        days=(0, 1, 2),
        start_date=date(2026, 9, 7),
        pupil=PupilFactory(school=first.pupil.school),
        provider=first.provider,
    )
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=first.pupil.school))
    header = "upn,date,session,status,minutes_late,reason,note\n"
    short = header + f"{first.pupil.upn},16/11/2026,AM,attended,,,\n"
    long = header + "".join(
        f"{placement.pupil.upn},{day}/11/2026,{session},{status},,{reason},\n"
        for placement in (first, second)
        for day in (16, 17, 18)
        for session, status, reason in (("AM", "attended", ""), ("PM", "absent", "ill"))
    )
    with CaptureQueriesContext(connection) as one_row:
        assert "Imported 1 marks" in _import(client, first.provider, short).content.decode()
    AttendanceMark.objects.all().delete()
    with CaptureQueriesContext(connection) as twelve_rows:
        assert "Imported 12 marks" in _import(client, first.provider, long).content.decode()
    assert len(twelve_rows) == len(one_row)


# --- Figures ---------------------------------------------------------------------------------------


def test_figures_show_attendance_per_pupil_and_flag_persistent_absence(client, today):
    good = placement_with_timetable(days=(0, 1, 2), start_date=date(2026, 9, 7))
    school = good.pupil.school
    poor = placement_with_timetable(
        days=(0, 1, 2), start_date=date(2026, 9, 7), pupil=PupilFactory(school=school)
    )
    monday = today - timedelta(days=2)
    for i, code in enumerate(["B", "B", "B", "B", "D", "#"]):
        AttendanceMarkFactory(
            placement=good,
            date=monday + timedelta(days=i // 2),
            session="AM" if i % 2 == 0 else "PM",
            code=code,
        )
    for i, code in enumerate(["B", "N", "I", "O", "B", "B"]):
        AttendanceMarkFactory(
            placement=poor,
            date=monday + timedelta(days=i // 2),
            session="AM" if i % 2 == 0 else "PM",
            code=code,
        )
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    figures = attendance_selectors.attendance_figures(
        member(Role.SCHOOL_COORDINATOR, school=school), school=school, today=today
    )
    by_pupil = {f.pupil.pk: f for f in figures["pupils"]}
    assert by_pupil[good.pupil_id].percentage == 100.0
    assert by_pupil[poor.pupil_id].percentage == 50.0
    assert by_pupil[poor.pupil_id].persistent_absence and not by_pupil[good.pupil_id].persistent_absence
    page = client.get(reverse("placements:attendance_figures")).content.decode()
    assert "Persistent absence" in page and "50.0%" in page and "<polyline" in page


# --- Query counts ----------------------------------------------------------------------------------


def _school_with_marked_pupils(n):
    from placements.models import TimetableSlot
    from tests.factories import ProviderFactory

    school = SchoolFactory()
    providers = [ProviderFactory() for _ in range(3)]
    pupils = [PupilFactory(school=school) for _ in range(n)]
    placements = Placement.objects.bulk_create(
        Placement(pupil=p, provider=providers[i % 3], start_date=date(2026, 9, 7), reason="Vocational")
        for i, p in enumerate(pupils)
    )
    TimetableSlot.objects.bulk_create(
        TimetableSlot(placement=p, weekday=d, start=time(9, 0), end=time(15, 0))
        for p in placements
        for d in (0, 2)
    )
    monday = WEDNESDAY - timedelta(days=2)
    marks = AttendanceMark.objects.bulk_create(
        AttendanceMark(placement=p, date=monday, session=s, code="N" if i % 5 == 0 else "B")
        for i, p in enumerate(placements)
        for s in ("AM", "PM")
    )
    FollowUp.objects.bulk_create(
        FollowUp(attendance=m, contacted="Parent", contacted_at=timezone.now(), outcome="safe_and_well")
        for m in marks
        if m.code == "N"
    )
    return school


@pytest.mark.parametrize("pupils", [10, 200])
def test_the_register_grid_runs_a_fixed_number_of_queries(
    client, today, django_assert_max_num_queries, pupils
):
    school = _school_with_marked_pupils(pupils)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    with django_assert_max_num_queries(14):
        page = _grid(client, school).content.decode()
    # A page holds 50 pupils, in name order, with every follow-up of theirs.
    shown = Placement.objects.filter(pupil__school=school).order_by(
        "pupil__last_name", "pupil__first_name", "provider__name", "pk"
    )[:50]
    assert page.count('<th scope="row"') == min(pupils, 50)
    assert page.count("Followed up<") == FollowUp.objects.filter(attendance__placement__in=shown).count()


def test_a_big_schools_grid_comes_a_page_at_a_time_and_saving_a_page_returns_to_it(client, today):
    school = _school_with_marked_pupils(60)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    first = _grid(client, school).content.decode()
    assert first.count('<th scope="row"') == 50 and "page 1 of 2" in first
    second = client.get(
        reverse("placements:register_grid"), {"school": school.pk, "week": WEDNESDAY.isoformat(), "page": 2}
    ).content.decode()
    assert second.count('<th scope="row"') == 10
    last = Placement.objects.filter(pupil__school=school).order_by(
        "pupil__last_name", "pupil__first_name", "provider__name", "pk"
    )[59]
    assert last.pupil.full_name in second and last.pupil.full_name not in first
    response = client.post(
        f"{reverse('placements:register_grid')}?school={school.pk}&week={today}",
        {"page": "2", f"code-{last.pk}-{today}-AM": "B"},
    )
    assert response.status_code == 302 and "page=2" in response.url
    assert AttendanceMark.objects.get(placement=last, date=today, session="AM").code == "B"


@pytest.mark.parametrize("pupils", [10, 200])
def test_the_figures_page_runs_a_fixed_number_of_queries(
    client, today, django_assert_max_num_queries, pupils
):
    school = _school_with_marked_pupils(pupils)
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=school))
    with django_assert_max_num_queries(14):
        page = client.get(reverse("placements:attendance_figures")).content.decode()
    assert page.count("<polyline") == pupils


@pytest.mark.parametrize("pupils", [10, 200])
def test_the_providers_register_runs_a_fixed_number_of_queries(
    client, today, django_assert_max_num_queries, pupils
):
    school = _school_with_marked_pupils(pupils)
    provider = Placement.objects.filter(pupil__school=school).first().provider
    _, token = _link(provider, today)
    with django_assert_max_num_queries(10):
        page = client.get(_url(token)).content.decode()
    assert page.count("Not marked yet") == 2 * len([i for i in range(pupils) if i % 3 == 0])


def test_a_follow_up_that_reached_nobody_leaves_the_absence_to_chase_again(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    AttendanceMarkFactory(placement=placement, date=today, session="AM", code="N")
    follow_up = dict(placement=placement, date=today, session="AM", contacted="Mother by phone")
    attendance_services.follow_up_record(
        **follow_up, contacted_at=timezone.now(), outcome=FollowUp.Outcome.NOT_CONTACTED
    )
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    page = _grid(client, placement.pupil.school).content.decode()
    assert "Not yet contacted" in page and "Followed up<" not in page
    assert reverse("placements:follow_up_create", args=[placement.pk, today.isoformat(), "AM"]) in page
    attendance_services.follow_up_record(
        **follow_up, contacted_at=timezone.now(), outcome=FollowUp.Outcome.SAFE_AND_WELL
    )
    page = _grid(client, placement.pupil.school).content.decode()
    assert "Followed up<" in page and "Not yet contacted" not in page


def test_an_escalated_follow_up_opens_a_safeguarding_concern_draft(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    AttendanceMarkFactory(placement=placement, date=today, session="AM", code="N")
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    contacted_at = timezone.localtime() - timedelta(minutes=5)
    response = client.post(
        reverse("placements:follow_up_create", args=[placement.pk, today.isoformat(), "AM"]),
        {
            "contacted": "Provider's DSL by phone",
            "contacted_on": contacted_at.strftime("%d/%m/%Y"),
            "contacted_time": contacted_at.strftime("%H:%M"),
            "outcome": "escalated",
            "note": "Not seen since registration",
        },
    )
    follow_up = FollowUp.objects.get()
    assert response.status_code == 302
    assert response.url == (
        reverse("safeguarding:concern_raise", args=[placement.pupil_id])
        + f"?placement={placement.pk}&follow_up={follow_up.pk}"
    )
    page = client.get(response.url).content.decode()
    assert "Raise a concern about" in page and "Follow-up note: Not seen since registration" in page
    assert "Send to the DSL" in page


def test_a_follow_up_that_is_not_escalated_goes_back_to_the_register(client, today):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    AttendanceMarkFactory(placement=placement, date=today, session="AM", code="N")
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    contacted_at = timezone.localtime() - timedelta(minutes=5)
    response = client.post(
        reverse("placements:follow_up_create", args=[placement.pk, today.isoformat(), "AM"]),
        {
            "contacted": "Mother",
            "contacted_on": contacted_at.strftime("%d/%m/%Y"),
            "contacted_time": contacted_at.strftime("%H:%M"),
            "outcome": "safe_and_well",
        },
    )
    assert response.url.startswith(reverse("placements:register_grid"))


# --- Register links stay inside their creator's schools (issue 13, item 1) -----------------------


def test_a_coordinators_link_lists_and_records_only_their_own_schools_pupils(client, today):
    mine = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    theirs = _scheduled(mine.provider)  # another partnership's school, same provider
    coordinator = member(Role.SCHOOL_COORDINATOR, school=mine.pupil.school)
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:register_links"),
        {"provider": mine.provider_id, "date": today.strftime("%d/%m/%Y")},
    )
    link = RegisterLink.objects.get()
    token = attendance_services.register_link_token(link)
    client.logout()

    page = client.get(_url(token)).content.decode()
    assert response.status_code == 200
    assert mine.pupil.full_name in page
    assert theirs.pupil.full_name not in page
    client.post(_url(token), {f"status-{theirs.pk}-AM": "absent", f"reason-{theirs.pk}-AM": "ill"})
    assert not AttendanceMark.objects.filter(placement=theirs).exists()


def test_a_partnership_coordinators_link_covers_every_school_of_the_partnership_there(today):
    mine = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    partnership = mine.pupil.school.partnership
    sister = _scheduled(mine.provider, SchoolFactory(partnership=partnership))
    outside = _scheduled(mine.provider)
    coordinator = member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership)
    link, _ = attendance_services.register_link_create(actor=coordinator, provider=mine.provider, date=today)
    assert set(link.covers.all()) == {mine.pupil.school, sister.pupil.school}
    rows = attendance_selectors.register_rows(
        provider_id=mine.provider_id, day=today, school_ids=link.covers.values_list("id", flat=True)
    )
    assert {r.placement for r in rows} == {mine, sister}
    assert outside.pupil.school not in link.covers.all()


def test_a_coordinator_cannot_see_or_revoke_another_schools_link(client, today):
    mine = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    theirs = _scheduled(mine.provider)
    other_coordinator = member(Role.SCHOOL_COORDINATOR, school=theirs.pupil.school)
    link, token = attendance_services.register_link_create(
        actor=other_coordinator, provider=mine.provider, date=today
    )
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=mine.pupil.school))
    listing = client.get(reverse("placements:register_links")).content.decode()
    assert reverse("placements:register_link_revoke", args=[link.pk]) not in listing
    assert client.post(reverse("placements:register_link_revoke", args=[link.pk])).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_register_file_with_a_future_date_imports_nothing_and_says_why(client, today):
    placement = placement_with_timetable(days=(2, 3), start_date=date(2026, 9, 7))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    upn = placement.pupil.upn
    text = f"upn,date,session,status\n{upn},18/11/2026,AM,attended\n{upn},19/11/2026,AM,attended\n"
    page = _import(client, placement.provider, text).content.decode()
    assert "Row 3: Attendance cannot be recorded for a future date (19 November 2026)." in page
    assert not AttendanceMark.objects.exists()


def test_a_register_file_over_the_row_or_byte_cap_is_refused_with_a_clear_message(client, today, settings):
    placement = placement_with_timetable(days=(2,), start_date=date(2026, 9, 7))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    settings.APDASH_IMPORT_MAX_ROWS = 3
    rows = "".join(f"{placement.pupil.upn},18/11/2026,AM,attended\n" for _ in range(4))
    page = _import(client, placement.provider, "upn,date,session,status\n" + rows).content.decode()
    assert "The file has more than 3 rows" in page
    settings.APDASH_IMPORT_MAX_ROWS = 2000
    settings.APDASH_IMPORT_MAX_BYTES = 100
    page = _import(client, placement.provider, "upn,date,session,status\n" + rows).content.decode()
    assert "The file must be smaller than 100" in page
    assert not AttendanceMark.objects.exists()


def test_no_way_in_records_a_mark_for_a_day_not_yet_here(today):
    from django.core.exceptions import ValidationError

    placement = placement_with_timetable(days=(3,), start_date=date(2026, 9, 7))
    with pytest.raises(ValidationError, match="future date"):
        attendance_services.attendance_record(
            placement=placement,
            date=today + timedelta(days=1),
            session="AM",
            code="B",
            source=AttendanceMark.Source.COORDINATOR,
        )
    assert not AttendanceMark.objects.exists()


def test_a_bad_value_after_many_good_rows_of_the_same_kind_is_still_refused_and_nothing_saved(today):
    # Rows repeating one set of values are validated once; a row differing only in a bad value
    # must still be caught.
    placement = placement_with_timetable(days=(0, 1, 2), start_date=date(2026, 9, 7))
    days = [date(2026, 11, 16) - timedelta(weeks=n) for n in range(8)]
    good = [{"placement": placement, "date": day, "session": "AM", "code": "B"} for day in days]
    bad = {"placement": placement, "date": today, "session": "AM", "code": "B", "minutes_late": 40000}
    with pytest.raises(ValidationError, match="minutes_late"):
        attendance_services.attendance_bulk_record(entries=[*good, bad], source=AttendanceMark.Source.IMPORT)
    assert not AttendanceMark.objects.exists()


def test_a_link_more_than_the_grace_period_ahead_is_refused_at_creation(client, today, settings):
    settings.APDASH_REGISTER_LINK_GRACE_DAYS = 1
    placement = placement_with_timetable(days=(2, 3, 4), start_date=date(2026, 9, 7))
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    url = reverse("placements:register_links")
    far = client.post(url, {"provider": placement.provider_id, "date": "20/11/2026"})
    assert "A register link can be made at most 1 day ahead" in far.content.decode()
    assert not RegisterLink.objects.exists()
    with pytest.raises(ValidationError):
        _link(placement.provider, today + timedelta(days=2))
    client.post(url, {"provider": placement.provider_id, "date": "19/11/2026"})
    assert RegisterLink.objects.get().date == today + timedelta(days=1)


def test_a_weekend_mark_is_refused_when_the_school_records_no_session_that_day(today):
    placement = placement_with_timetable(days=(0, 1, 2, 3, 4), start_date=date(2026, 9, 7))
    saturday = date(2026, 11, 14)
    with pytest.raises(ValidationError, match="Saturday 14 November 2026 is a Saturday"):
        attendance_services.attendance_record(
            placement=placement, date=saturday, session="AM", code="/", source="api"
        )
    friday = attendance_services.attendance_record(
        placement=placement, date=saturday - timedelta(days=1), session="AM", code="/", source="api"
    )
    assert AttendanceMark.objects.get() == friday


def test_the_figures_page_owns_up_to_sessions_without_a_register(client, today):
    placement = placement_with_timetable(days=(0, 1, 2, 3, 4), start_date=date(2026, 11, 16))
    AttendanceMarkFactory(placement=placement, date=date(2026, 11, 16), session="AM", code="B")
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    page = client.get(reverse("placements:attendance_figures")).content.decode()
    # 100% of the one register received, and the rest owned up to: Mon PM, Tue and Wed AM and PM.
    assert "100.0%" in page and "5 sessions without a register" in page
