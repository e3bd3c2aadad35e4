import pytest
from django.core.management import CommandError, call_command

from apdash.models import Membership, User
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_add_member_creates_the_user_with_a_role_at_the_school():
    school = SchoolFactory(urn="140101")
    call_command(
        "add_member", "new@school.example", "--role", "dsl", "--school", "140101", "--password", "pw-12345"
    )
    user = User.objects.get(email="new@school.example")
    assert user.check_password("pw-12345")
    assert Membership.objects.get(user=user).school == school


def test_add_member_twice_does_not_duplicate():
    SchoolFactory(urn="140101")
    for _ in range(2):
        call_command("add_member", "new@school.example", "--role", "head", "--school", "140101")
    assert Membership.objects.count() == 1


def test_add_member_refuses_an_unknown_school():
    with pytest.raises(CommandError, match="No such organisation"):
        call_command("add_member", "x@school.example", "--role", "head", "--school", "999999")
    assert not User.objects.exists()
