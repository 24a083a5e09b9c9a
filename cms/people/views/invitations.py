"""Following an invitation link: check the token, then continue to sign-up."""

from allauth.account.adapter import get_adapter
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cms.people import services

INVALID_TEMPLATE = "people/invitation_invalid.html"


@never_cache
@require_GET
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Remember the invitation in the session and send the person to sign up with its address."""
    try:
        invitation = services.invitation_check(token=token)
    except services.InvitationError as error:
        status = 404 if isinstance(error, services.InvitationInvalid) else 410
        return render(request, INVALID_TEMPLATE, {"message": str(error)}, status=status)
    if request.user.is_authenticated:
        return render(
            request,
            INVALID_TEMPLATE,
            {
                "message": f"You are signed in as {request.user.email}. Sign out first to accept "
                f"the invitation for {invitation.email}.",
                "signed_in": True,
            },
            status=409,
        )
    request.session[services.INVITATION_SESSION_KEY] = invitation.pk
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect("account_signup")
