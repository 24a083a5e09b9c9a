"""allauth adapters: the domain rules for who may sign up."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def domain_is_allowed(email: str) -> bool:
    allowed = {d.lower() for d in settings.ALLOWED_SIGNUP_DOMAINS}
    return email_domain(email) in allowed


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open only to the council's and partners' email domains."""

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not domain_is_allowed(email):
            raise forms.ValidationError(
                "You can only create an account with a council, police or NHS work email "
                "address. If you work for another partner agency, ask the Learning and "
                "Development team to send you an invitation."
            )
        return email


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Entra ID sign-in is restricted to the configured tenant by the provider settings."""
