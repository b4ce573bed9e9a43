"""The signup page: an invitation link (``/signup/<token>/``) or, when SYNDATA_SELF_SIGNUP is
on, ``/signup/``. Plain Django forms: Django's password validators, CSRF, no script."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from accounts import services


def _page(request: HttpRequest, form: UserCreationForm, status: int = 200) -> HttpResponse:
    return render(request, "accounts/signup.html", {"form": form}, status=status)


def _closed(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "accounts/closed.html", {"message": message}, status=status)


def _signup(request: HttpRequest, invitation: object | None) -> HttpResponse:
    if request.method != "POST":
        return _page(request, UserCreationForm())
    form = UserCreationForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)  # each field says what is wrong with it
    try:
        user = services.signup(form=form, invitation=invitation)  # type: ignore[arg-type]
    except services.InvitationUnusable as exc:
        return _closed(request, f"This invitation link was {exc.state} meanwhile.", 410)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect("/")


def signup_open(request: HttpRequest) -> HttpResponse:
    if not settings.SYNDATA_SELF_SIGNUP:
        return _closed(request, "Accounts are made by invitation: ask an operator.", 404)
    return _signup(request, None)


def signup_invited(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_check(token=token)
    except services.InvitationUnusable as exc:
        return _closed(request, f"This invitation link was {exc.state}: ask for a new one.", 410)
    if invitation is None:
        return _closed(request, "No such invitation link.", 404)
    return _signup(request, invitation)
