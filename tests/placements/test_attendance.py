"""Registers: the provider's signed link and page, the coordinator's grid, follow-ups, imports and
attendance figures."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
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


def test_a_partnership_commissioned_placement_is_coded_k_when_attended(client, today):
    placement = placement_with_timetable(
        days=(2,), start_date=date(2026, 9, 7), commissioned_by="partnership"
    )
    _, token = _link(placement.provider, today)
    client.post(_url(token), {f"status-{placement.pk}-AM": "attended"})
    assert AttendanceMark.objects.get().code == "K"


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
        {f"code-{placement.pk}-{today}-AM": "Q", f"code-{placement.pk}-{today}-PM": "B"},
    )
    assert f"{placement.pupil.full_name}, Wednesday morning: “Q” is not a DfE attendance code" in (
        response.content.decode()
    )
    assert not AttendanceMark.objects.exists()


def test_mark_all_attended_fills_only_unmarked_sessions_up_to_today(client, today):
    placement = placement_with_timetable(days=(0, 2, 4), start_date=date(2026, 9, 7))
    AttendanceMarkFactory(placement=placement, date=today, session="AM", code="I")
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    client.post(
        f"{reverse('placements:register_grid')}?school={placement.pupil.school_id}&week={today}",
        {"action": "mark_all"},
    )
    marks = dict(((m.date, m.session), m.code) for m in AttendanceMark.objects.all())
    monday = today - timedelta(days=2)
    assert marks == {(monday, "AM"): "B", (monday, "PM"): "B", (today, "AM"): "I", (today, "PM"): "B"}


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
    assert page.count("Followed up<") == 2 * ((pupils + 4) // 5)


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


def test_the_figures_page_owns_up_to_sessions_without_a_register(client, today):
    placement = placement_with_timetable(days=(0, 1, 2, 3, 4), start_date=date(2026, 11, 16))
    AttendanceMarkFactory(placement=placement, date=date(2026, 11, 16), session="AM", code="B")
    client.force_login(member(Role.SCHOOL_COORDINATOR, school=placement.pupil.school))
    page = client.get(reverse("placements:attendance_figures")).content.decode()
    # 100% of the one register received, and the rest owned up to: Mon PM, Tue and Wed AM and PM.
    assert "100.0%" in page and "5 sessions without a register" in page
