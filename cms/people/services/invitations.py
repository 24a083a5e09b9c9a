"""Invitations: how people outside the allowed email domains come in.

An L&D user sends an invitation to one email address. The email carries a
single-use link with an unguessable token (only its SHA-256 hash is stored).
Following the link proves the person controls that address, so allauth's
sign-up accepts exactly that address (even from a domain not otherwise
allowed) and treats it as verified. Creating the account consumes the invitation.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from cms.core.email import absolute_url, email_send_after_commit
from cms.people.models import Invitation, User

INVITATION_LIFETIME = timedelta(days=14)
INVITATION_EMAIL_TEMPLATE = "people/invitation_email"
INVITATION_SESSION_KEY = "people_invitation_id"


class InvitationError(Exception):
    """An invitation that cannot be sent or used; the message is shown to the person."""


class InvitationInvalid(InvitationError):
    """The link is not one we issued (mistyped, truncated or forged)."""


class InvitationUsed(InvitationError):
    """The invitation has already been used to create an account."""


class InvitationExpired(InvitationError):
    """The invitation is older than its lifetime."""


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    token: str
    url: str


def invitation_token_hash(token: str) -> str:
    """Only the hash of a token is stored, so a database leak yields no working link."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(*, token: str) -> str:
    return absolute_url(reverse("people_invitations:accept", kwargs={"token": token}))


def invitation_refusal(*, email: str) -> str:
    """Why `email` cannot be invited, or "" when it can."""
    if User.objects.filter(email__iexact=email.strip()).exists():
        return f"{email.strip().lower()} already has an account. They can sign in or reset their password."
    return ""


def invitation_send(*, email: str, invited_by: User | None) -> SentInvitation:
    """Invite `email` to sign up, emailing a fresh single-use link after commit.

    Sending again to an address with an invitation still open replaces that
    invitation's link (the old link stops working) and restarts its 14 days.
    Addresses that already have an account are refused: they can sign in or
    reset their password instead.
    """
    email = User.objects.normalize_email(email).strip().lower()
    reason = invitation_refusal(email=email)
    if reason:
        raise InvitationError(reason)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(email__iexact=email, accepted_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if invitation is None:
            invitation = Invitation(email=email)
        invitation.token_hash = invitation_token_hash(token)
        invitation.invited_by = invited_by
        invitation.expires_at = now + INVITATION_LIFETIME
        invitation.save()
        url = invitation_url(token=token)
        email_send_after_commit(
            to=[email],
            template=INVITATION_EMAIL_TEMPLATE,
            context={
                "url": url,
                "inviter": (invited_by.get_full_name() or invited_by.email) if invited_by else "",
                "expires": date_format(timezone.localtime(invitation.expires_at), "j F Y"),
            },
        )
    return SentInvitation(invitation=invitation, token=token, url=url)


def invitation_check(*, token: str) -> Invitation:
    """The open invitation a link's token belongs to, or an InvitationError saying why not."""
    invitation = Invitation.objects.filter(token_hash=invitation_token_hash(token)).first()
    if invitation is None:
        raise InvitationInvalid(
            "This invitation link is not valid. Check that you copied the whole link from "
            "the email, or ask the Learning and Development team to send a new invitation."
        )
    if invitation.accepted_at is not None:
        raise InvitationUsed(
            "This invitation has already been used to create an account. Sign in with the "
            "email address it was sent to, or reset your password if you have forgotten it."
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationExpired(
            "This invitation has expired. Invitations last 14 days: ask the Learning and "
            "Development team to send you a new one."
        )
    return invitation


def invitation_pending_for(*, email: str, invitation_id: int | None = None) -> Invitation | None:
    """An open invitation for exactly this address (and, if given, with this id)."""
    invitations = Invitation.objects.filter(
        email__iexact=email.strip(), accepted_at__isnull=True, expires_at__gt=timezone.now()
    )
    if invitation_id is not None:
        invitations = invitations.filter(pk=invitation_id)
    return invitations.first()


def invitation_accept(*, invitation: Invitation, user: User) -> Invitation:
    """Consume the invitation for the account just created; it can never be used again."""
    if user.email.lower() != invitation.email.lower():
        raise InvitationError("This invitation was sent to a different email address.")
    now = timezone.now()
    consumed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=now
    ).update(accepted_at=now, accepted_user=user)
    if not consumed:
        raise InvitationUsed("This invitation has already been used or has expired.")
    invitation.refresh_from_db()
    return invitation
