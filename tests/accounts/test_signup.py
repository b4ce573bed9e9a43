"""A way in: operators' one-time invitation links, and self-signup only when switched on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "carol",
    "password1": "a-long-pass-phrase-9",
    "password2": "a-long-pass-phrase-9",
}


def _me(client: Client) -> dict[str, Any]:
    return client.get("/api/auth/me").json()


def test_an_invitation_makes_one_account_and_then_is_spent(alice: Any) -> None:
    invitation = Invitation.objects.create(note="for carol", created_by=alice)
    client = Client()
    page = client.get(f"/signup/{invitation.token}/")
    assert page.status_code == 200 and b'name="password1"' in page.content

    weak = client.post(f"/signup/{invitation.token}/", {**GOOD, "password1": "x", "password2": "x"})
    assert weak.status_code == 400
    assert b"This password is too short" in weak.content  # Django's validators
    assert not get_user_model().objects.filter(username="carol").exists()
    assert Invitation.objects.get(pk=invitation.pk).used_at is None  # not spent by a bad try

    done = client.post(f"/signup/{invitation.token}/", GOOD)
    assert done.status_code == 302 and done["Location"] == "/"
    assert _me(client)["user"]["username"] == "carol"  # signed in
    spent = Invitation.objects.get(pk=invitation.pk)
    assert spent.state() == "used" and spent.used_by.username == "carol"

    again = Client().post(f"/signup/{invitation.token}/", {**GOOD, "username": "dave"})
    assert again.status_code == 410 and b"used" in again.content
    assert not get_user_model().objects.filter(username="dave").exists()


def test_an_expired_or_unknown_invitation_makes_no_account(alice: Any) -> None:
    old = Invitation.objects.create(expires_at=timezone.now() - timedelta(minutes=1))
    resp = Client().post(f"/signup/{old.token}/", GOOD)
    assert resp.status_code == 410 and b"expired" in resp.content
    assert Client().get("/signup/not-a-token/").status_code == 404
    assert not get_user_model().objects.filter(username="carol").exists()


def test_an_invitation_expires_after_the_configured_days(settings: Any) -> None:
    settings.SYNDATA_INVITE_DAYS = 2
    invitation = Invitation.objects.create()
    left = invitation.expires_at - timezone.now()
    assert timedelta(days=2) - timedelta(minutes=1) < left <= timedelta(days=2)


def test_self_signup_is_off_by_default() -> None:
    client = Client()
    assert _me(client)["self_signup"] is False
    assert client.get("/signup/").status_code == 404
    assert client.post("/signup/", GOOD).status_code == 404
    assert not get_user_model().objects.filter(username="carol").exists()


def test_self_signup_when_switched_on_checks_the_password_rules(settings: Any, alice: Any) -> None:
    settings.SYNDATA_SELF_SIGNUP = True
    client = Client()
    assert _me(client)["self_signup"] is True
    taken = client.post("/signup/", {**GOOD, "username": "alice"})
    assert taken.status_code == 400 and b"already exists" in taken.content
    similar = client.post("/signup/", {**GOOD, "password1": "carol123", "password2": "carol123"})
    assert similar.status_code == 400 and b"too similar" in similar.content
    assert client.post("/signup/", GOOD).status_code == 302
    assert _me(client)["user"]["username"] == "carol"


def test_an_operator_creates_an_invitation_link_in_the_admin() -> None:
    get_user_model().objects.create_superuser("root", "root@example.com", "root-password-1")
    operator = Client()
    operator.login(username="root", password="root-password-1")
    form = operator.get("/admin/accounts/invitation/add/")
    assert form.status_code == 200
    expires = timezone.now() + timedelta(days=3)
    resp = operator.post(
        "/admin/accounts/invitation/add/",
        {"note": "for carol", "expires_at_0": f"{expires:%Y-%m-%d}", "expires_at_1": "12:00:00"},
        follow=True,
    )
    assert resp.status_code == 200
    invitation = Invitation.objects.get(note="for carol")
    assert invitation.created_by.username == "root"
    assert f"http://testserver/signup/{invitation.token}/" in resp.content.decode()
    assert Client().post(f"/signup/{invitation.token}/", GOOD).status_code == 302
