"""The dashboard's session login and the token page's API, in process."""

from __future__ import annotations

from typing import Any

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def _csrf_client() -> APIClient:
    """A browser-like client: CSRF is enforced, the cookie comes from the SPA's index."""
    client = APIClient(enforce_csrf_checks=True)
    client.get("/")
    return client


def _login(client: APIClient, password: str = "alice-password-1") -> Any:
    token = client.cookies["csrftoken"].value
    return client.post(
        "/api/auth/login",
        {"username": "alice", "password": password},
        format="json",
        HTTP_X_CSRFTOKEN=token,
    )


def test_me_is_anonymous_without_a_session(anon_client: APIClient) -> None:
    resp = anon_client.get("/api/auth/me")
    assert resp.status_code == 200
    assert resp.json() == {"authenticated": False, "user": None, "self_signup": False}


def test_it_logs_in_with_a_password_and_opens_a_session(alice: Any) -> None:
    client = _csrf_client()
    resp = _login(client)
    assert resp.status_code == 200, resp.content
    assert resp.json()["user"]["username"] == "alice"
    assert client.get("/api/auth/me").json()["authenticated"] is True
    assert client.get("/api/jobs").status_code == 200


def test_it_rejects_a_wrong_password_at_the_password_field(alice: Any) -> None:
    client = _csrf_client()
    resp = _login(client, password="nope")
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["code"] == "invalid_credentials"
    assert error["details"][0]["path"] == "password"
    assert client.get("/api/auth/me").json()["authenticated"] is False


def test_login_needs_the_csrf_header(alice: Any) -> None:
    client = _csrf_client()
    resp = client.post(
        "/api/auth/login", {"username": "alice", "password": "alice-password-1"}, format="json"
    )
    assert resp.status_code == 403
    assert "error" in resp.json()


def test_session_writes_need_the_csrf_header(alice: Any) -> None:
    client = _csrf_client()
    _login(client)
    assert client.post("/api/auth/token").status_code == 403
    token = client.cookies["csrftoken"].value
    assert client.post("/api/auth/token", HTTP_X_CSRFTOKEN=token).status_code == 201


def test_logout_closes_the_session(alice: Any) -> None:
    client = _csrf_client()
    _login(client)
    token = client.cookies["csrftoken"].value
    assert client.post("/api/auth/logout", HTTP_X_CSRFTOKEN=token).status_code == 204
    assert client.get("/api/auth/me").json()["authenticated"] is False
    assert client.get("/api/jobs").status_code in (401, 403)


def test_the_token_is_created_shown_once_replaced_and_revoked(alice: Any) -> None:
    client = APIClient()
    client.force_authenticate(alice)
    assert client.get("/api/auth/token").json() == {
        "exists": False,
        "created": None,
        "prefix": None,
    }

    first = client.post("/api/auth/token").json()
    assert len(first["key"]) == 40 and first["key"].startswith(first["prefix"])
    info = client.get("/api/auth/token").json()
    assert info["exists"] is True and info["prefix"] == first["prefix"] and "key" not in info

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {first['key']}")
    assert api.get("/api/jobs").status_code == 200

    second = client.post("/api/auth/token").json()
    assert second["key"] != first["key"]
    assert api.get("/api/jobs").status_code == 401

    assert client.delete("/api/auth/token").status_code == 204
    assert not Token.objects.filter(user=alice).exists()


def test_the_token_page_needs_a_login(anon_client: APIClient) -> None:
    assert anon_client.get("/api/auth/token").status_code == 401
    assert anon_client.post("/api/auth/token").status_code == 401


def test_the_auth_endpoints_are_in_the_openapi_schema(anon_client: APIClient) -> None:
    schema = anon_client.get("/api/schema/", {"format": "json"}).json()
    for route in ("/api/auth/login", "/api/auth/logout", "/api/auth/me", "/api/auth/token"):
        assert route in schema["paths"], route
