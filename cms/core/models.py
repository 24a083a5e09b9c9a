"""Site-wide settings, the send-once ledger, and the link and check factories every app's models use."""

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from cms.core.branding import DEFAULT_BRAND_COLOUR, DEFAULT_FONT, FONT_STACKS, validate_brand_colour


def after_check(
    *, earlier: str, later: str, name: str, message: str, or_equal: bool = False
) -> models.CheckConstraint:
    """A database check that field ``later`` comes after field ``earlier`` (or equals it, if
    ``or_equal``): an end after its start, a closing after its opening."""
    lookup = "gte" if or_equal else "gt"
    return models.CheckConstraint(
        condition=models.Q(**{f"{later}__{lookup}": models.F(earlier)}),
        name=name,
        violation_error_message=message,
    )


def optional_link(to: str, *, help_text: str = "", **options) -> models.ForeignKey:
    """An optional link (to an image, page, document, agency, module...) that is left empty, not
    cascaded, when what it names is deleted (and gives that item no reverse accessor)."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text=help_text, **options
    )


def owner_link(to: str, *, related_name: str, optional: bool = False, **options) -> models.ForeignKey:
    """What a record belongs to: the record is deleted with it. An optional one may name nothing."""
    return models.ForeignKey(
        to, on_delete=models.CASCADE, null=optional, blank=optional, related_name=related_name, **options
    )


def person_link(*, related_name: str, optional: bool = False, **options) -> models.ForeignKey:
    """The person a record is of or for: the record goes with them when they are deleted (erased).
    An optional one may name nobody (a message to a list, a statement from an outside actor)."""
    return owner_link(settings.AUTH_USER_MODEL, related_name=related_name, optional=optional, **options)


class NamedModel(models.Model):
    """A record known by its name (an agency, a team, an LRS credential): listed in name order and
    shown as its name. Each model declares its own ``name`` field, as its length and rules differ."""

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@register_setting(icon="image")
class BrandingSettings(BaseSiteSetting):
    """The council's name, logo, colour and typeface, applied to every public page."""

    organisation_name = models.CharField(
        max_length=120,
        default="Oxfordshire County Council",
        help_text="Shown at the top of every page and in the footer.",
    )
    logo = optional_link(
        "wagtailimages.Image",
        help_text=(
            "Optional. Shown beside the organisation name on the brand colour, so use a white "
            "or transparent version (PNG or WebP, no SVG). It is decorative: the name is the text."
        ),
    )
    brand_colour = models.CharField(
        max_length=7,
        default=DEFAULT_BRAND_COLOUR,
        validators=[validate_brand_colour],
        help_text=(
            "Hash and six hex digits, e.g. #005a70. White text sits on it, so it must reach a "
            "contrast ratio of 4.5:1 with white; lighter colours are refused."
        ),
    )
    font = models.CharField(
        "typeface",
        max_length=20,
        choices=[(key, label) for key, (label, _stack) in FONT_STACKS.items()],
        default=DEFAULT_FONT,
        help_text="System fonts only: nothing is downloaded, and no GOV.UK typeface is used.",
    )
    show_beta_banner = models.BooleanField(
        "show the beta banner",
        default=True,
        help_text="Tell people the service is new and their feedback will improve it.",
    )
    feedback_url = models.URLField(
        "feedback page",
        blank=True,
        help_text=(
            "Where the beta banner's feedback link goes, such as a survey. "
            "Leave blank to use the email address."
        ),
    )
    feedback_email = models.EmailField(
        "feedback email address",
        blank=True,
        default="learning.development@oxfordshire.gov.uk",
        help_text="Used for the beta banner's feedback link when there is no feedback page.",
    )

    select_related = ["logo"]

    panels = [
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("logo"), FieldPanel("brand_colour")],
            heading="Identity",
        ),
        FieldPanel("font"),
        MultiFieldPanel(
            [FieldPanel("show_beta_banner"), FieldPanel("feedback_url"), FieldPanel("feedback_email")],
            heading="Beta banner and feedback",
        ),
    ]

    class Meta:
        verbose_name = "branding"
        verbose_name_plural = "branding"

    def __str__(self) -> str:
        return f"Branding for {self.site}"


class MessageSent(models.Model):
    """The send-once ledger: one row per message, recorded under a unique key BEFORE it is sent.

    The key names the message and its occasion (``kind:item:occasion``), so a retry, a second
    worker or a rerun of a scan finds the row and sends nothing more. Every app that sends
    periodic or one-off messages (learning's reminders, practice week's notices) claims here;
    ``cms.core.ledger`` is the only writer.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Claimed by a worker"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent: no longer needed"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, help_text="The key's first part: what sort of message.")
    user = person_link(
        related_name="messages_sent",
        optional=True,
        help_text="Who the message is to, where it is to one person.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "kind"]), models.Index(fields=["status", "created_at"])]
        verbose_name = "message sent"
        verbose_name_plural = "messages sent"

    def __str__(self) -> str:
        return self.key
