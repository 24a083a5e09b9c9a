"""Personal data cms.people holds: the account, the staff profile, invitations, and allauth's
sign-in records (see cms.core.personal_data for what the registry does with these)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from wagtail.models import ModelLogEntry

from cms.core.personal_data import Erasure, exempt, register
from cms.people.middleware import user_cache_forget
from cms.people.models import Agency, Invitation, StaffImportJob, StaffProfile, User

ERASED_NAME = "Erased person"
ERASED_EMAIL_DOMAIN = "erased.invalid"


def erased_label(user_id: int) -> str:
    """What an erased person is called wherever a name was: "Erased person #42"."""
    return f"{ERASED_NAME} #{user_id}"


def _account_anonymise(rows: QuerySet, user) -> None:
    for user_id in rows.values_list("pk", flat=True):
        User.objects.filter(pk=user_id).update(
            first_name=ERASED_NAME,
            last_name=f"#{user_id}",
            email=f"erased-{user_id}@{ERASED_EMAIL_DOMAIN}",
            is_active=False,
            is_staff=False,
            password=make_password(None),  # unusable: nobody can sign in as them, and sessions end
        )
        User.groups.through.objects.filter(user_id=user_id).delete()
        User.user_permissions.through.objects.filter(user_id=user_id).delete()
        user_cache_forget(user_id=user_id)


register(
    User,
    section="person",
    rows=lambda user: User.objects.filter(pk=user.pk),
    export=lambda u: {
        "email": u.email,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "date_joined": u.date_joined,
        "last_login": u.last_login,
        "active": u.is_active,
        "groups": sorted(group.name for group in u.groups.all()),
    },
    erasure=Erasure.ANONYMISE,
    erase=_account_anonymise,
    reason="The account stays, nameless and unable to sign in, so the records that point at it "
    "(completions, bookings, content history) keep their shape and historic figures stay true.",
    erase_last=True,
)


def _profile_anonymise(rows: QuerySet, user) -> None:
    rows.update(job_title="", line_manager=None, start_date=None, active=False)
    StaffProfile.objects.filter(line_manager=user).update(line_manager=None)


register(
    StaffProfile,
    section="staff_profile",
    person_field="user",
    export=lambda p: {
        "job_title": p.job_title,
        "role": str(p.role) if p.role else None,
        "team": str(p.team) if p.team else None,
        "agency": str(p.agency) if p.agency else None,
        "line_manager": p.line_manager.email if p.line_manager else None,
        "start_date": p.start_date,
        "active": p.active,
        "updated_at": p.updated_at,
    },
    erasure=Erasure.ANONYMISE,
    erase=_profile_anonymise,
    reason="Team, role and agency stay (they identify nobody alone) so team figures stay true; "
    "the person becomes a leaver and is nobody's line manager any more.",
)

register(
    Invitation,
    section="invitations",
    rows=lambda user: Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_user=user)),
    export=lambda i: {
        "email": i.email,
        "sent_at": i.created_at,
        "expires_at": i.expires_at,
        "accepted_at": i.accepted_at,
    },
    erasure=Erasure.DELETE,
)

register(
    EmailAddress,
    section="email_addresses",
    person_field="user",
    export=lambda e: {"email": e.email, "verified": e.verified, "primary": e.primary},
    erasure=Erasure.DELETE,
)

register(
    Authenticator,
    section="sign_in_methods",
    person_field="user",
    # Never `data`: it holds the TOTP secret, recovery codes and passkey credentials.
    export=lambda a: {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at},
    erasure=Erasure.DELETE,
)

register(
    SocialAccount,
    section="single_sign_on_accounts",
    person_field="user",
    # Tokens live in allauth's SocialToken, never exported; extra_data is the profile Microsoft sent.
    export=lambda s: {
        "provider": s.provider,
        "uid": s.uid,
        "date_joined": s.date_joined,
        "last_login": s.last_login,
        "profile_from_provider": s.extra_data,
    },
    erasure=Erasure.DELETE,
)


def _log_entries_about(user) -> QuerySet:
    """Admin log entries whose subject is the person's account or staff profile."""
    profile_ids = [str(pk) for pk in StaffProfile.objects.filter(user=user).values_list("pk", flat=True)]
    types = ContentType.objects.get_for_models(User, StaffProfile)
    return ModelLogEntry.objects.filter(
        Q(content_type=types[User], object_id=str(user.pk))
        | Q(content_type=types[StaffProfile], object_id__in=profile_ids)
    )


def _log_entries_anonymise(rows: QuerySet, user) -> None:
    rows.update(label=erased_label(user.pk), data={})


register(
    ModelLogEntry,
    section="admin_history_of_their_record",
    rows=_log_entries_about,
    export=lambda e: {"action": e.action, "at": e.timestamp, "label": e.label},
    erasure=Erasure.ANONYMISE,
    erase=_log_entries_anonymise,
    reason="The audit trail of changes to the person's record stays for accountability; the "
    "entries' labels (their name as it was) are replaced. Entries the person made in the admin "
    "stay as they are and point at the anonymised account.",
)

exempt(
    Agency, reason="email_domain is an organisation's domain (oxfordshire.gov.uk), never a person's address."
)

exempt(
    StaffImportJob,
    reason="created_by says which L&D member ran a staff import: an audit record of their work, kept "
    "for accountability like the admin's logs. The HR file is deleted when the job ends; the outcome "
    "keeps line numbers and reasons about that file.",
)
