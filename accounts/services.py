"""Accounts: signing up with an invitation (or on one's own, when the site allows it)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import UserCreationForm
from django.db import transaction
from django.utils import timezone

from accounts.models import Invitation


class InvitationUnusable(Exception):
    """The link was used already, or it expired."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


def invitation_check(*, token: str) -> Invitation | None:
    """The invitation of a link; None when there is none. Raises when used or expired."""
    invitation = Invitation.objects.filter(token=token).first()
    if invitation is not None and invitation.state() != "usable":
        raise InvitationUnusable(invitation.state())
    return invitation


def signup(*, form: UserCreationForm, invitation: Invitation | None) -> Any:
    """Create the account of a valid form (Django's password validators ran in it); with an
    invitation, spend it in the same transaction, so that a link makes one account."""
    with transaction.atomic():
        user = form.save()
        if invitation is not None:
            spent = Invitation.objects.filter(
                pk=invitation.pk, used_at__isnull=True, expires_at__gt=timezone.now()
            ).update(used_at=timezone.now(), used_by=user)
            if not spent:  # used (or expired) since the page was opened: no account
                transaction.set_rollback(True)
                raise InvitationUnusable(Invitation.objects.get(pk=invitation.pk).state())
    return user
