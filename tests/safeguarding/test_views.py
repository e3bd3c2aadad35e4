"""The safeguarding forms: bad input is refused with a specific message and changes nothing;
list pages stay within a fixed number of queries."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.models import Concern, ConcernEntry, Induction, RiskAssessment
from tests.factories import (
    AttendanceMarkFactory,
    ConcernFactory,
    FollowUpFactory,
    PlacementFactory,
    PupilFactory,
)

pytestmark = pytest.mark.django_db

# Session, user, OTP device, memberships (twice: scope and DSL scope), the list, and the audited
# read (advisory lock, last hash, insert, the chain's anchor moving on and, inside the test's
# transaction, two savepoint statements).
QUERY_BUDGET = 12


def test_a_concern_without_what_was_seen_or_a_time_in_the_past_is_refused(county, sign_in):
    client = sign_in(county.people["school coordinator"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("safeguarding:concern_raise", args=[county.pupil.pk]),
        {
            "occurred_date": f"{tomorrow:%d/%m/%Y}",
            "occurred_time": "25:99",
            "category": "neglect",
            "urgency": "urgent",
        },
    )
    page = response.content.decode()
    assert "Enter what you saw or heard" in page
    assert "Enter the time it happened as hours and minutes" in page
    assert "govuk-error-summary" in page and not Concern.objects.exists()


def test_a_referral_must_say_who_to_and_a_decision_must_be_named(county, sign_in):
    concern = ConcernFactory(pupil=county.pupil, raised_by=county.people["raiser"])
    client = sign_in(county.people["DSL"])
    url = reverse("safeguarding:entry_add", args=[concern.pk])
    page = client.post(url, {"kind": "referral", "text": "Rang the front door"}).content.decode()
    assert "Choose who the referral was made to" in page
    page = client.post(url, {"kind": "decision", "text": "Not needed"}).content.decode()
    assert "Choose the decision" in page
    page = client.post(url, {"kind": "correction", "text": "Wrong date"}).content.decode()
    assert "Choose the entry you are correcting" in page
    assert not ConcernEntry.objects.exists()
    response = client.post(
        url, {"kind": "referral", "referral_to": "social_care", "text": "MASH call at 10:05"}
    )
    assert response.status_code == 302
    assert ConcernEntry.objects.get(kind="referral").referral_to == "social_care"


def test_a_risk_assessment_is_recorded_and_approved_by_school_staff(county, sign_in):
    client = sign_in(county.people["school coordinator"])
    url = reverse("safeguarding:risk_assessment_create", args=[county.placement.pk])
    page = client.post(url, {"journey": "Bus", "review_date": "31/02/2027"}).content.decode()
    assert "Describe the risks at the setting" in page and "Enter the review date as a real date" in page
    assert not RiskAssessment.objects.exists()
    client.post(
        url,
        {
            "journey": "Bus 42 with a travel buddy",
            "at_setting": "Workshop",
            "hazards": "Lathes",
            "controls": "Guards and supervision",
            "review_date": f"{timezone.localdate() + timedelta(days=60):%d/%m/%Y}",
        },
    )
    assessment = RiskAssessment.objects.get()
    assert assessment.approved_at is None
    client.post(reverse("safeguarding:risk_assessment_approve", args=[county.placement.pk, assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.approved_by == county.people["school coordinator"]
    assert (
        "Bus 42 with a travel buddy"
        in client.get(reverse("safeguarding:placement", args=[county.placement.pk])).content.decode()
    )


def test_provider_staff_record_the_induction_but_cannot_open_risk_assessments(county, sign_in):
    client = sign_in(county.people["provider staff"])
    url = reverse("safeguarding:induction_create", args=[county.placement.pk])
    page = client.post(
        url, {"date": f"{timezone.localdate():%d/%m/%Y}", "provider_dsl_name": "Dee"}
    ).content.decode()
    assert "told who the DSL is" in page and not Induction.objects.exists()
    response = client.post(
        url,
        {
            "date": f"{timezone.localdate():%d/%m/%Y}",
            "told_who_dsl_is": "on",
            "told_what_to_do_if_unsafe": "on",
            "provider_dsl_name": "Dee Marsh",
        },
    )
    assert (
        response.status_code == 302 and Induction.objects.get().recorded_by == county.people["provider staff"]
    )
    assert (
        client.get(reverse("safeguarding:risk_assessment_create", args=[county.placement.pk])).status_code
        == 404
    )
    other = PlacementFactory()
    assert client.get(reverse("safeguarding:induction_create", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("rows", [10, 200])
def test_the_dsl_inbox_and_the_raisers_list_take_a_fixed_number_of_queries(
    county, sign_in, django_assert_max_num_queries, rows
):
    pupils = PupilFactory.create_batch(rows, school=county.school)
    for pupil in pupils:
        ConcernFactory(pupil=pupil, raised_by=county.people["raiser"])
    client = sign_in(county.people["DSL"])
    with django_assert_max_num_queries(QUERY_BUDGET):
        page = client.get(reverse("safeguarding:inbox")).content.decode()
    assert f"{rows} open concerns" in page
    client = sign_in(county.people["raiser"])
    with django_assert_max_num_queries(QUERY_BUDGET):
        client.get(reverse("safeguarding:index"))
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get("/api/v1/concerns/").json()["count"] == rows


def _escalated(placement, **fields):
    day = timezone.localdate() - timedelta(days=1)
    return FollowUpFactory(
        attendance=AttendanceMarkFactory(placement=placement, date=day, session="PM", code="N"),
        contacted="Provider's DSL by phone",
        contacted_at=timezone.make_aware(datetime.combine(day, time(14, 5))),
        outcome="escalated",
        note="Seen leaving with an older man at lunch",
        **fields,
    )


def test_the_raise_form_starts_from_an_escalated_follow_up_and_sends_nothing_yet(county, sign_in):
    follow_up = _escalated(county.placement)
    client = sign_in(county.people["school coordinator"])
    url = reverse("safeguarding:concern_raise", args=[county.pupil.pk])
    response = client.get(f"{url}?placement={county.placement.pk}&follow_up={follow_up.pk}")
    page = response.content.decode()
    day = follow_up.attendance.date
    assert response.status_code == 200
    assert f'<option value="{county.placement.pk}" selected>' in page
    assert f'value="{day:%d/%m/%Y}"' in page
    assert f"Absence: afternoon session on {day.day} {day:%B %Y} at {county.provider.name}" in page
    assert "contacted Provider&#x27;s DSL by phone at 14:05" in page
    assert "Outcome: Escalated to the DSL." in page
    assert "Follow-up note: Seen leaving with an older man at lunch" in page
    assert "in the words used" in page
    assert not Concern.objects.exists()


def test_a_follow_up_the_user_may_not_see_does_not_start_a_concern(county, sign_in):
    own = _escalated(county.placement)
    stranger = PlacementFactory(pupil=PupilFactory(school=county.other_school), provider=county.provider)
    theirs = _escalated(stranger)
    client = sign_in(county.people["school coordinator"])
    url = reverse("safeguarding:concern_raise", args=[county.pupil.pk])
    for query in (
        f"placement={stranger.pk}&follow_up={theirs.pk}",
        f"placement={county.placement.pk}&follow_up={theirs.pk}",
        f"placement={county.partnership_placement.pk}&follow_up={own.pk}",
        f"placement={county.placement.pk}&follow_up=x",
    ):
        assert client.get(f"{url}?{query}").status_code == 404, query
    other = sign_in(county.people["other-school coordinator"])
    assert other.get(f"{url}?placement={county.placement.pk}&follow_up={own.pk}").status_code == 404
