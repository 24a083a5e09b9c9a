"""People and organisation: the user, agencies, teams, roles and staff profiles."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from cms.core.models import NamedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in; email is the login."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="people_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Agency(NamedModel):
    """An organisation staff belong to: the council or a partner agency."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        POLICE = "police", "Police"
        NHS = "nhs", "NHS"
        PROBATION = "probation", "Probation"
        OTHER = "other", "Other partner"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    email_domain = models.CharField(
        max_length=253,
        blank=True,
        help_text=(
            "The agency's work email domain, e.g. oxfordshire.gov.uk. New sign-ups from this "
            "domain are placed in this agency (only when exactly one agency has the domain)."
        ),
    )

    class Meta(NamedModel.Meta):
        verbose_name_plural = "agencies"


class Team(NamedModel):
    """A team in a locality, belonging to one agency."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    locality = models.CharField(max_length=80, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")

    class Meta(NamedModel.Meta):
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="people_team_unique_name")]


class Role(NamedModel):
    """A job role. Each role maps to a permission group (see cms.people.roles)."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)


class StaffProfile(models.Model):
    """Where a person sits in the organisation. Leavers are kept, marked inactive."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    job_title = models.CharField(max_length=120, blank=True)
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="profiles", null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, related_name="members", null=True, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="staff", null=True, blank=True)
    line_manager = models.ForeignKey(
        User, on_delete=models.SET_NULL, related_name="direct_reports", null=True, blank=True
    )
    start_date = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        indexes = [
            models.Index(fields=["team", "active"]),
            models.Index(fields=["role", "active"]),
            models.Index(fields=["line_manager", "active"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(line_manager=models.F("user")),
                name="people_staffprofile_not_own_line_manager",
            )
        ]
        permissions = [("import_staff", "Can import staff from an HR export")]

    def __str__(self) -> str:
        return f"{self.user} ({self.job_title or 'no job title'})"


class Invitation(models.Model):
    """An L&D invitation letting someone outside the allowed domains sign up.

    Only a hash of the token is stored; the token itself travels once, in the email.
    The invitation is single use: it is consumed when the account is created.
    """

    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, related_name="invitations_sent", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, on_delete=models.SET_NULL, related_name="+", null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(Lower("email"), name="people_invitation_email_ci")]

    def __str__(self) -> str:
        return self.email

    @property
    def status(self) -> str:
        from django.utils import timezone

        if self.accepted_at:
            return "accepted"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class StaffImportJob(models.Model):
    """One confirmed staff import, run by a Celery worker: the checked file, progress and outcome.

    The file's bytes are kept only until the job ends; the outcome (counts, every
    problem and note) is kept for the list of recent imports.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Not imported"

    file_name = models.CharField(max_length=255)
    data = models.BinaryField(editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, related_name="+", null=True, blank=True, editable=False
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=500, blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}
