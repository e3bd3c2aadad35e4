"""A change of a user's roles revokes their API tokens (issue 13, item 2)."""

import pytest
from rest_framework.authtoken.models import Token

from apdash.models import Membership, Role
from tests.factories import SchoolFactory, member

pytestmark = pytest.mark.django_db


def test_giving_or_taking_away_a_role_revokes_the_users_tokens():
    school = SchoolFactory()
    user = member(Role.SCHOOL_COORDINATOR, school=school)
    Token.objects.create(user=user)
    head = Membership.objects.create(user=user, role=Role.HEAD, school=school)
    assert not Token.objects.filter(user=user).exists()

    Token.objects.create(user=user)
    head.delete()
    assert not Token.objects.filter(user=user).exists()


def test_another_users_role_change_leaves_my_token_alone():
    school = SchoolFactory()
    me = member(Role.SCHOOL_COORDINATOR, school=school)
    token = Token.objects.create(user=me)
    member(Role.DSL, school=school)
    assert Token.objects.filter(pk=token.pk).exists()
