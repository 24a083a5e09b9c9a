"""Assignments of modules to audiences, the enrolments they produce, and audit trails."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from cms.core.models import optional_link, person_link


class Programme(models.Model):
    """A rollout with a go-live date, e.g. "Family Safeguarding rollout"."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    go_live_date = models.DateField(help_text="The date every required module should be complete by.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["go_live_date", "name"]
        permissions = [("view_readiness", "Can view readiness reports and exports")]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A module assigned to an audience (roles, teams, agencies or named people).

    The audience is live: enrolments follow people as they join or leave it
    (see learning.services.assignments.enrolments_sync).
    """

    class DueMode(models.TextChoices):
        FIXED = "fixed", "A fixed date"
        AFTER_START = "after_start", "Days after the person's start date"
        AFTER_ASSIGNMENT = "after_assignment", "Days after the person is assigned"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="assignments")
    module = models.ForeignKey("modules.ModulePage", on_delete=models.PROTECT, related_name="assignments")
    required = models.BooleanField(default=True, help_text="Optional learning is offered, not chased.")
    roles = models.ManyToManyField("people.Role", blank=True, related_name="assignments")
    teams = models.ManyToManyField("people.Team", blank=True, related_name="assignments")
    agencies = models.ManyToManyField("people.Agency", blank=True, related_name="assignments")
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="named_assignments")
    due_mode = models.CharField(max_length=20, choices=DueMode.choices, default=DueMode.FIXED)
    due_date = models.DateField(null=True, blank=True, help_text="For a fixed due date.")
    due_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a relative due date: how many days people have."
    )
    late_joiner_days = models.PositiveIntegerField(
        default=28,
        help_text="Someone who joins the audience after a fixed due date (or too close to it) "
        "gets at least this many days.",
    )
    recertify_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Open a new cycle this many months after each completion."
    )
    active = models.BooleanField(default=True)
    created_by = optional_link(settings.AUTH_USER_MODEL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "module__title"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(due_mode="fixed") | models.Q(due_date__isnull=False),
                name="learning_assignment_fixed_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(due_mode="fixed") | models.Q(due_days__isnull=False),
                name="learning_assignment_relative_has_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} ({self.programme})"

    def clean(self) -> None:
        errors = {}
        if self.due_mode == self.DueMode.FIXED and not self.due_date:
            errors["due_date"] = "Give the date the module is due by."
        if self.due_mode != self.DueMode.FIXED and not self.due_days:
            errors["due_days"] = "Give how many days people have to complete the module."
        if errors:
            raise ValidationError(errors)


class Enrolment(models.Model):
    """One person's place in one assignment, with the due date fair to them.

    Never deleted while the assignment exists: someone who leaves the audience is
    marked removed, so their history and completions stay.
    """

    user = person_link(related_name="enrolments")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="enrolments")
    module = models.ForeignKey("modules.ModulePage", on_delete=models.PROTECT, related_name="+")
    # The person's staff profile (team, role, agency, whether active), joined on `user` in one
    # step rather than through the user table: readiness groups 150,000 enrolments by it. No
    # column of its own; null where someone has no profile.
    profile = models.ForeignObject(
        "people.StaffProfile",
        from_fields=["user"],
        to_fields=["user"],
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
    )
    enrolled_on = models.DateField()
    due_date = models.DateField()
    due_date_overridden = models.BooleanField(
        default=False, help_text="Set by L&D for this person; a change to the assignment keeps it."
    )
    completed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the current cycle was completed (kept in step with ModuleCompletion "
        "so reports need no joins).",
    )
    removed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date"]
        constraints = [
            models.UniqueConstraint(fields=["user", "assignment"], name="learning_enrolment_once"),
        ]
        indexes = [
            models.Index(fields=["assignment", "removed_on"]),
            models.Index(fields=["user", "removed_on"]),
            models.Index(fields=["due_date"]),
            # A person's active enrolments with what My team and My learning read of them,
            # so PostgreSQL answers from the index alone (one person's rows lie on as many
            # table pages as there are assignments). `include` is PostgreSQL's; others ignore it.
            models.Index(
                fields=["user"],
                include=["id", "module", "assignment", "due_date", "completed_at"],
                condition=models.Q(removed_on__isnull=True),
                name="learning_enrolment_active_user",
            ),
            # The readiness dashboard's completions per day and overdue list, each read from
            # its own small index alone rather than by a scan of every enrolment: the
            # completed rows by when (about 40% of rows at the bench's 5,000 x 30), and the
            # open rows by due date (the overdue ones are a range of it). Measured in
            # docs/benchmarks.md ("Readiness figures: PostgreSQL's share").
            models.Index(
                fields=["completed_at"],
                include=["id", "module", "assignment", "user"],
                condition=models.Q(removed_on__isnull=True, completed_at__isnull=False),
                name="learning_enrolment_completed",
            ),
            models.Index(
                fields=["due_date"],
                include=["user", "module", "assignment"],
                condition=models.Q(removed_on__isnull=True, completed_at__isnull=True),
                name="learning_enrolment_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.module} due {self.due_date}"


class CompletionChange(models.Model):
    """Audit of every manual change to someone's learning record (who, when, why)."""

    class Action(models.TextChoices):
        RECORDED_OFFLINE = "recorded_offline", "Recorded offline training"
        DUE_DATE_CHANGED = "due_date_changed", "Changed a due date"
        ERASED = "erased", "Erased personal data"

    class Recognition(models.TextChoices):
        """Why learning done elsewhere counts: cmi5's waiver reasons (9.5.5.2), in its own words."""

        EQUIVALENT_OUTSIDE_ACTIVITY = (
            "Equivalent Outside Activity",
            "Equivalent training outside this platform (a classroom course, another employer)",
        )
        TESTED_OUT = "Tested Out", "Passed an assessment instead of doing the training"
        EQUIVALENT_AU = "Equivalent AU", "Completed an equivalent part of the same course"
        ADMINISTRATIVE = "Administrative", "An L&D decision (for example, the training does not apply)"

    learner = person_link(related_name="learning_record_changes")
    module = models.ForeignKey(
        "modules.ModulePage", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completion = models.ForeignKey(
        "learning.ModuleCompletion", on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    action = models.CharField(max_length=30, choices=Action.choices)
    reason = models.TextField(help_text="Why, and the evidence seen.")
    recognition = models.CharField(
        max_length=40,
        choices=Recognition.choices,
        blank=True,
        help_text="For learning recorded as done elsewhere: the cmi5 reason its course parts were waived.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} for {self.learner} by {self.changed_by}"
