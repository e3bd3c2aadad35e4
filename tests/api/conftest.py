import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apdash.accounts import needs_two_factor
from apdash.models import Role, TokenSecondFactor
from tests.factories import PartnershipFactory, ProviderFactory, SchoolFactory, UserFactory, member


@pytest.fixture
def api():
    """`api(user)`: a client that sends the user's API token, as an integration would."""

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            if needs_two_factor(user):
                # As if issued with the one-time code the token endpoint asks these roles for.
                TokenSecondFactor.objects.get_or_create(token=token)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def world(db):
    """Two schools in one partnership, a school in another, a provider, and one user per role."""
    partnership = PartnershipFactory(name="Northshire AP Partnership")
    school = SchoolFactory(name="Castle Hill Academy", partnership=partnership)
    sister = SchoolFactory(name="Riverside School", partnership=partnership)
    other = SchoolFactory(name="Faraway High")
    provider = ProviderFactory(name="Forge Skills Centre")

    class World:
        pass

    w = World()
    w.partnership, w.school, w.sister, w.other, w.provider = partnership, school, sister, other, provider
    w.coordinator = member(Role.SCHOOL_COORDINATOR, school=school)
    w.dsl = member(Role.DSL, school=school)
    w.head = member(Role.HEAD, school=school)
    w.partnership_coordinator = member(Role.PARTNERSHIP_COORDINATOR, partnership=partnership)
    w.provider_staff = member(Role.PROVIDER_STAFF, provider=provider)
    w.other_coordinator = member(Role.SCHOOL_COORDINATOR, school=other)
    w.superuser = UserFactory(is_superuser=True, is_staff=True)
    return w
