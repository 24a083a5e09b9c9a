"""What cms/people/personal_data.toml names that a field list cannot say: how the account and
the staff profile are anonymised, and which invitations and admin log entries are a person's
(see cms.core.personal_data for what the registry does with these)."""

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from wagtail.models import ModelLogEntry

from cms.people.middleware import user_cache_forget
from cms.people.models import Invitation, StaffProfile, User

ERASED_NAME = "Erased person"
ERASED_EMAIL_DOMAIN = "erased.invalid"


def erased_label(user_id: int) -> str:
    """What an erased person is called wherever a name was: "Erased person #42"."""
    return f"{ERASED_NAME} #{user_id}"


def account_rows(user) -> QuerySet:
    return User.objects.filter(pk=user.pk)


def account_export(user: User) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "active": user.is_active,
        "groups": sorted(group.name for group in user.groups.all()),
    }


def invitations_to(user) -> QuerySet:
    """Invitations sent to the person's address or accepted by their account."""
    return Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_user=user))


def account_anonymise(rows: QuerySet, user) -> None:
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


def profile_anonymise(rows: QuerySet, user) -> None:
    rows.update(job_title="", line_manager=None, start_date=None, active=False)
    StaffProfile.objects.filter(line_manager=user).update(line_manager=None)


def log_entries_about(user) -> QuerySet:
    """Admin log entries whose subject is the person's account or staff profile."""
    profile_ids = [str(pk) for pk in StaffProfile.objects.filter(user=user).values_list("pk", flat=True)]
    types = ContentType.objects.get_for_models(User, StaffProfile)
    return ModelLogEntry.objects.filter(
        Q(content_type=types[User], object_id=str(user.pk))
        | Q(content_type=types[StaffProfile], object_id__in=profile_ids)
    )


def log_entries_anonymise(rows: QuerySet, user) -> None:
    rows.update(label=erased_label(user.pk), data={})
