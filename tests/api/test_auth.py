import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_a_user_swaps_email_and_password_for_a_token_that_opens_the_api(api):
    user = UserFactory(email="coordinator@castlehill.example")
    response = api().post(
        TOKEN_URL, {"email": "coordinator@castlehill.example", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert api().get("/api/v1/pupils/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    again = api().post(TOKEN_URL, {"email": user.email, "password": PASSWORD}, format="json")
    assert again.json()["token"] == token


def test_a_wrong_password_gets_no_token_and_says_so(api):
    UserFactory(email="coordinator@castlehill.example")
    response = api().post(
        TOKEN_URL, {"email": "coordinator@castlehill.example", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The email address or password is not right."]}


def test_an_inactive_user_gets_no_token(api):
    UserFactory(email="left@castlehill.example", is_active=False)
    response = api().post(
        TOKEN_URL, {"email": "left@castlehill.example", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_the_token_request_names_missing_fields(api):
    response = api().post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}


def test_without_credentials_the_api_refuses(api):
    assert api().get("/api/v1/pupils/").status_code in (401, 403)
    assert api().get("/api/v1/pupils/", HTTP_AUTHORIZATION="Token not-a-token").status_code == 401


def test_a_signed_in_session_works_too(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/api/v1/providers/").status_code == 200
