"""The school calendar's writes: audited, and each re-checks the pupils it can reach on commit —
a school's closure its partnership, a partnership's half term its own, England's usual half
terms every partnership and the schools in none."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from apdash.models import AuditEvent, Closure, HalfTerm
from apdash.services import calendar_save, closure_delete
from tests.factories import AcademicYearFactory, ClosureFactory, PartnershipFactory, SchoolFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def write(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return write


def autumn_1(year, **fields):
    return {"academic_year": year, "name": "Autumn 1", "start_date": date(2026, 9, 2), **fields}


def test_a_schools_closure_is_audited_and_re_checks_its_partnership(enqueued, commit):
    school = SchoolFactory()
    who = member("partnership_coordinator", partnership=school.partnership)
    closure = commit(
        calendar_save,
        actor=who,
        model=Closure,
        fields={"date": date(2026, 11, 23), "school": school, "reason": "INSET day"},
    )
    event = AuditEvent.objects.get(action="closure.created", object_id=str(closure.pk))
    assert event.actor == who
    assert event.details["fields"] == ["date", "reason", "school"]
    assert enqueued == [f"partnership={school.partnership_id}"]


def test_moving_a_closure_to_a_school_of_another_partnership_re_checks_both(enqueued, commit):
    closure = ClosureFactory(school=SchoolFactory(), partnership=None)
    first, elsewhere = closure.school, SchoolFactory()
    commit(calendar_save, actor=None, model=Closure, instance=closure, fields={"school": elsewhere})
    assert sorted(enqueued) == sorted(
        [f"partnership={first.partnership_id}", f"partnership={elsewhere.partnership_id}"]
    )
    assert Closure.objects.get(pk=closure.pk).school == elsewhere


def test_removing_a_closure_keeps_what_it_was_in_the_audit_and_re_checks(enqueued, commit):
    closure = ClosureFactory(school=SchoolFactory(), partnership=None, reason="Snow")
    commit(closure_delete, actor=None, closure=closure)
    assert not Closure.objects.filter(pk=closure.pk).exists()
    event = AuditEvent.objects.get(action="closure.deleted")
    assert event.details == {"date": closure.date.isoformat(), "reason": "Snow"}
    assert enqueued == [f"partnership={closure.school.partnership_id}"]


def test_englands_usual_half_term_re_checks_every_partnership_and_the_schools_in_none(enqueued, commit):
    partnerships = [PartnershipFactory(), PartnershipFactory()]
    year = AcademicYearFactory()
    commit(
        calendar_save,
        actor=None,
        model=HalfTerm,
        fields=autumn_1(year, end_date=date(2026, 10, 23)),
    )
    assert sorted(enqueued) == sorted([*(f"partnership={p.id}" for p in partnerships), "no_partnership"])


def test_a_half_term_that_fails_validation_saves_nothing_and_re_checks_nothing(enqueued, commit):
    partnership = PartnershipFactory()
    year = AcademicYearFactory()
    with pytest.raises(ValidationError):
        commit(
            calendar_save,
            actor=None,
            model=HalfTerm,
            fields=autumn_1(year, end_date=date(2026, 9, 1), partnership=partnership),
        )
    assert not HalfTerm.objects.exists()
    assert enqueued == []
