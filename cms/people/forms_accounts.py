"""Extra fields for allauth's sign-up form (settings.ACCOUNT_SIGNUP_FORM_CLASS), and its sign-in form.

Apart from cms.people.forms because allauth.account.forms imports the sign-up class as it loads:
this module is only ever imported by allauth (through settings), after its own forms.
"""

from allauth.account import forms as allauth_forms
from django import forms


class SignupForm(forms.Form):
    """Names, so managers and L&D recognise the person; allauth saves them onto the user."""

    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    first_name = forms.CharField(
        label="First name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )

    def signup(self, request, user) -> None:
        """allauth's adapter has already copied first and last name onto the user."""


class LoginForm(allauth_forms.LoginForm):
    """allauth's sign-in form in plain English (settings.ACCOUNT_FORMS["login"])."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"
            self.fields["remember"].help_text = "Do not tick this on a shared computer."
