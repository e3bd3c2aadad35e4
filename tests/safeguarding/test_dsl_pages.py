"""The DSL's day (issue 17): the home page leads with concerns, unacknowledged first with how long
they have waited; the safeguarding section opens on the inbox; the chronology reads as
sentences and its form shows the fields for the kind of entry chosen."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding import rules
from safeguarding.models import Concern, ConcernEntry
from tests.factories import ConcernFactory

pytestmark = pytest.mark.django_db


def test_the_dsl_home_leads_with_concerns_unacknowledged_first_with_their_wait(county, sign_in):
    now = timezone.now()
    ConcernFactory(
        pupil=county.pupil,
        raised_by=county.people["raiser"],
        status=Concern.Status.ACKNOWLEDGED,
        raised_at=now - timedelta(days=3),
        acknowledged_at=now - timedelta(days=2),
        acknowledged_by=county.people["DSL"],
    )
    ConcernFactory(pupil=county.pupil, raised_by=county.people["raiser"], raised_at=now - timedelta(hours=2))
    page = sign_in(county.people["DSL"]).get(reverse("home")).content.decode()
    main = page[page.index('id="main-content"') :]
    # The first section heading on the page is the concerns.
    assert main.index('<h2 class="govuk-heading-l">Concerns</h2>') == main.index("<h2")
    assert "1 concern waiting for you to acknowledge it" in main
    assert main.index("Not acknowledged") < main.index(">Acknowledged<")
    assert "2 hours" in main.split("<h2")[1]
    section = main.split("<h2")[1]
    assert county.pupil.last_name not in section  # no names on a concern before two-factor sign-in


def test_the_safeguarding_section_opens_on_the_dsl_inbox(county, sign_in):
    client = sign_in(county.people["DSL"])
    response = client.get(reverse("safeguarding:index"))
    assert response.status_code == 302 and response["Location"] == reverse("safeguarding:inbox")
    assert client.get(f"{reverse('safeguarding:index')}?raised=1").status_code == 200


def test_the_chronology_reads_as_sentences(county, sign_in):
    concern = ConcernFactory(pupil=county.pupil, raised_by=county.people["raiser"])
    dsl = county.people["DSL"]
    ConcernEntry.objects.create(
        concern=concern, author=dsl, kind="decision", decision="not_to_refer", text="Threshold not met"
    )
    page = sign_in(dsl).get(reverse("safeguarding:chronology", args=[county.pupil.pk])).content.decode()
    assert f"{dsl.get_full_name()} recorded a decision not to refer, " in page
    assert f"{county.people['raiser'].get_full_name()} raised a concern (" in page


def test_a_chronology_sentence_names_who_what_and_when():
    at = timezone.datetime(2026, 12, 3, 10, 4)
    assert rules.access_sentence(who="Sam Patel", action="concern.viewed", at=at) == (
        "Sam Patel viewed the concern, 3 Dec 2026 10:04"
    )
    sentence = rules.chronology_sentence(
        who="Priya Shah", kind="decision", heading="Decision to refer", at=at
    )
    assert sentence == "Priya Shah recorded a decision to refer, 3 Dec 2026 10:04"


def test_the_entry_form_reveals_the_fields_for_the_kind_chosen(county, sign_in):
    concern = ConcernFactory(pupil=county.pupil, raised_by=county.people["raiser"])
    page = sign_in(county.people["DSL"]).get(reverse("safeguarding:entry_add", args=[concern.pk]))
    html = page.content.decode()
    # Each kind's own question sits in the conditional panel under its radio, hidden until chosen.
    assert html.count("govuk-radios__conditional--hidden") == 3
    for name in ("referral_to", "decision", "corrects"):
        before = html[: html.index(f'name="{name}"')]
        assert before.rfind("govuk-radios__conditional--hidden") > before.rfind('name="kind"')
