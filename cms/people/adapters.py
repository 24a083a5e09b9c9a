"""allauth adapters: who may sign up.

Sign-up is open to the council's and partners' email domains
(settings.ALLOWED_SIGNUP_DOMAINS). Anyone else needs an L&D invitation for
their exact address (cms.people.services.invitations): following the invitation link
puts the invitation in the session, and the address it was sent to is then
accepted here and treated as verified. Single sign-on (Entra ID) follows the
same rule: the tenant restriction says who Microsoft vouches for, this adapter
says whose account may be created.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.db import transaction
from django.shortcuts import render

from cms.core.sign_in import user_has_mfa
from cms.people import services
from cms.people.selectors import signup_domain_allowed
from cms.people.services import staff_profile_ensure

DOMAIN_REFUSED_MESSAGE = (
    "You can only create an account with a council, police or NHS work email "
    "address. If you work for another partner agency, ask the Learning and "
    "Development team to send you an invitation."
)

# Set on the request once save_user has consumed an invitation for this address.
ACCEPTED_INVITATION_EMAIL = "_people_accepted_invitation_email"


def session_invitation(request, email: str):
    """The open invitation the person followed a link for, if it is for `email`."""
    if request is None or not hasattr(request, "session"):
        return None
    invitation_id = request.session.get(services.INVITATION_SESSION_KEY)
    if not invitation_id:
        return None
    return services.invitation_pending_for(email=email, invitation_id=invitation_id)


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up for allowed domains, or for the exact address an invitation was sent to."""

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if signup_domain_allowed(email=email) or session_invitation(self.request, email) is not None:
            return email
        if email == getattr(self.request, ACCEPTED_INVITATION_EMAIL, None):
            # allauth cleans the address again after save_user has consumed the invitation.
            return email
        raise forms.ValidationError(DOMAIN_REFUSED_MESSAGE)

    def save_user(self, request, user, form, commit=True):
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if not commit:
                return user
            invitation = session_invitation(request, user.email)
            if invitation is not None:
                services.invitation_accept(invitation=invitation, user=user)
                request.session.pop(services.INVITATION_SESSION_KEY, None)
                setattr(request, ACCEPTED_INVITATION_EMAIL, user.email.lower())
            else:
                # The invitation proves one address only; never let it verify another.
                request.session.pop("account_verified_email", None)
            staff_profile_ensure(user=user)
        return user

    def get_reauthentication_methods(self, user) -> list[dict]:
        """Someone enrolled in MFA confirms it is them with the second factor, never the password alone.

        allauth asks again (after ACCOUNT_REAUTHENTICATION_TIMEOUT) before changes to
        two-factor settings; a password alone would let whoever holds an open session and
        the password remove the authenticator. Before enrolling, the password is the way.
        """
        methods = super().get_reauthentication_methods(user)
        if user.is_authenticated and user_has_mfa(user):
            second_factor = [method for method in methods if method["id"] != "reauthenticate"]
            return second_factor or methods
        return methods


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Entra ID sign-in: the tenant is fixed by provider settings; new accounts follow the domain rule.

    Someone from the tenant whose address is outside the allowed domains gets an
    account only with an open invitation for that address, which is then consumed.
    Existing accounts sign in regardless (they were admitted before).
    """

    def is_open_for_signup(self, request, sociallogin) -> bool:
        email = self._email_of(sociallogin)
        if not email:
            return False
        if signup_domain_allowed(email=email) or services.invitation_pending_for(email=email) is not None:
            return super().is_open_for_signup(request, sociallogin)
        return False

    def save_user(self, request, sociallogin, form=None):
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form=form)
            if not signup_domain_allowed(email=user.email):
                invitation = services.invitation_pending_for(email=user.email)
                if invitation is None:  # the invitation expired or was used since the check
                    raise ImmediateHttpResponse(render(request, "account/signup_closed.html", status=403))
                services.invitation_accept(invitation=invitation, user=user)
            staff_profile_ensure(user=user)
        return user

    @staticmethod
    def _email_of(sociallogin) -> str:
        from allauth.account.utils import user_email

        email = user_email(sociallogin.user) if sociallogin.user else ""
        if not email and sociallogin.email_addresses:
            email = sociallogin.email_addresses[0].email
        return (email or "").strip().lower()
