"""Public and staff-facing content pages, the recruitment page, its form and vacancies.

Models sit above the app's selectors and views: pages serve and build their context
through them, and those modules name models only for type checking (no runtime import
back), so the app has no import cycle.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import SimpleLazyObject
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.forms.models import FORM_FIELD_CHOICES, AbstractForm, AbstractFormField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import DraftStateMixin, Page, RevisionMixin
from wagtail.search import index

from cms.core.models import optional_link
from cms.core.page_restrictions import CachedViewRestrictionsMixin
from cms.pages.blocks import RecruitmentStreamBlock
from cms.pages.forms import InterestFormBuilder
from cms.pages.selectors import london_today, recruitment_job_postings_json, social_image_url
from cms.pages.views import interest_form_serve


class PublicPageMixin(CachedViewRestrictionsMixin):
    """A public page: its route (the path alone decides it) and its view restrictions are
    answered from the page tree cache (cms.core.page_cache), so rendering one for an
    anonymous visitor reads no page row twice."""

    route_cache = True

    def __getstate__(self):
        """Pickle without the related rows read while rendering (hero image, linked pages) and
        without StreamField bodies: the cached route is read on every request, so it stays small
        and never carries an image or page row that has since changed. A body left out is read
        again (one query) only if a render needs it, which with the page's fragments kept
        (cms.pages.selectors.public_fragment) it does not."""
        state = super().__getstate__()
        state["_state"].fields_cache = {}
        for field in self._meta.concrete_fields:
            if isinstance(field, StreamField):
                state.pop(field.attname, None)
        return state


class HomePage(PublicPageMixin, Page):
    """The site root: sells the model to visitors, shows staff where to go next."""

    introduction = models.TextField(blank=True, help_text="A sentence or two under the title.")
    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["pages.StandardPage", "pages.RecruitmentPage", "modules.ModuleIndexPage"]
    max_count = 1

    template = "pages/home_page.html"


class StandardPage(PublicPageMixin, Page):
    """A plain content page: accessibility statement, privacy notice, cookies."""

    introduction = models.TextField(blank=True)
    body = RichTextField()

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.SearchField("body")]
    parent_page_types = ["pages.HomePage", "pages.StandardPage"]
    subpage_types = ["pages.StandardPage"]

    template = "pages/standard_page.html"


class VacancyQuerySet(models.QuerySet["Vacancy"]):
    def open(self, *, now: dt.datetime | None = None) -> VacancyQuerySet:
        """Published vacancies whose closing date has not passed in London, soonest closing first."""
        today = london_today(now=now)
        return self.filter(live=True, closing_date__gte=today).order_by("closing_date", "title")


class Vacancy(DraftStateMixin, RevisionMixin, index.Indexed, models.Model):
    """A job the council is recruiting to. Shown on the recruitment page until its closing date."""

    class EmploymentType(models.TextChoices):
        FULL_TIME = "FULL_TIME", "Full time"
        PART_TIME = "PART_TIME", "Part time"
        TEMPORARY = "TEMPORARY", "Temporary or fixed term"

    title = models.CharField(max_length=120, help_text='The job title, e.g. "Social worker".')
    team = models.CharField(max_length=120, help_text='e.g. "Family Safeguarding Team, Banbury".')
    locality = models.CharField(max_length=80, help_text="The town or area the team is based in.")
    grade = models.CharField(max_length=40, help_text='The council pay grade, e.g. "Grade 10".')
    salary_min = models.PositiveIntegerField("salary from (£ a year)")
    salary_max = models.PositiveIntegerField("salary to (£ a year)")
    hours = models.CharField(max_length=80, help_text='e.g. "37 hours a week, flexible working considered".')
    employment_type = models.CharField(
        max_length=16, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    closing_date = models.DateField(
        help_text="The last day to apply. The vacancy disappears from the page at midnight (UK time)."
    )
    description = RichTextField(
        features=["bold", "italic", "link", "ul", "ol"],
        help_text="What the job involves and who it suits. Also read by job search engines.",
    )
    apply_url = models.URLField("application link", blank=True, help_text="Where to apply, if online.")
    reference = models.CharField(
        max_length=40, blank=True, help_text="The job reference applicants should quote, if any."
    )

    objects = VacancyQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("team"), FieldPanel("locality")]),
        FieldRowPanel([FieldPanel("grade"), FieldPanel("salary_min"), FieldPanel("salary_max")]),
        FieldRowPanel([FieldPanel("hours"), FieldPanel("employment_type")]),
        FieldPanel("closing_date"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("apply_url"), FieldPanel("reference")],
            heading="How to apply",
            help_text="Give an application link, a reference, or both.",
        ),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("team"),
        index.SearchField("locality"),
        index.AutocompleteField("title"),
        index.FilterField("closing_date"),
        index.FilterField("live"),
    ]

    class Meta:
        ordering = ["closing_date", "title"]
        verbose_name_plural = "vacancies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(salary_min__lte=models.F("salary_max")),
                name="vacancy_salary_range_ordered",
            ),
            models.CheckConstraint(
                condition=~(models.Q(apply_url="") & models.Q(reference="")),
                name="vacancy_has_a_way_to_apply",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.team}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.salary_min is not None and self.salary_max is not None and self.salary_min > self.salary_max:
            errors["salary_max"] = "The top of the salary range must be at least the bottom of it."
        if not (self.apply_url or "").strip() and not (self.reference or "").strip():
            errors["apply_url"] = "Give an application link or a job reference, so people know how to apply."
        if errors:
            raise ValidationError(errors)


class RecruitmentPage(PublicPageMixin, Page):
    """The public landing page that sells the model and the jobs to social workers."""

    hero_heading = models.CharField(
        max_length=120, help_text="The main heading: one promise, in plain words."
    )
    hero_text = models.TextField(max_length=400, help_text="One or two sentences under the heading.")
    hero_image = optional_link(
        "wagtailimages.Image",
        help_text="A landscape photo, at least 1440 pixels wide. Its description is the alt text.",
    )
    hero_cta_label = models.CharField("call to action", max_length=60, default="Tell us you are interested")
    hero_cta_page = optional_link(
        "wagtailcore.Page",
        verbose_name="call to action page",
        help_text="Usually the expression of interest form.",
    )
    body = StreamField(RecruitmentStreamBlock(), help_text="The model, the figures, the offer and the jobs.")
    organisation_name = models.CharField(
        max_length=120, help_text="The employer, as job search engines should show it."
    )
    organisation_url = models.URLField(help_text="The employer's website.")
    job_region = models.CharField(
        max_length=80, help_text='The county or region jobs are in, e.g. "Oxfordshire".'
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_heading"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldRowPanel([FieldPanel("hero_cta_label"), PageChooserPanel("hero_cta_page")]),
            ],
            heading="Hero",
        ),
        FieldPanel("body"),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("organisation_url"), FieldPanel("job_region")],
            heading="Employer (for job search engines)",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("hero_heading"),
        index.SearchField("hero_text"),
        index.SearchField("body"),
    ]
    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.ExpressionOfInterestPage"]

    template = "pages/recruitment_page.html"

    def get_context(self, request, *args, **kwargs):
        """Lazy: the template keeps the vacancies, the JobPosting data and the hero in fragments
        of the public cache (cms.pages.selectors.public_fragment), so a page rendered while
        those are kept reads neither the vacancies nor the image renditions."""
        context = super().get_context(request, *args, **kwargs)
        vacancies = SimpleLazyObject(lambda: list(Vacancy.objects.open()))
        context["open_vacancies"] = vacancies
        context["job_postings"] = SimpleLazyObject(
            lambda: recruitment_job_postings_json(page=self, request=request, vacancies=vacancies)
        )
        context["social_image_url"] = SimpleLazyObject(
            lambda: social_image_url(image=self.hero_image, request=request) or ""
        )
        return context


class InterestFormField(AbstractFormField):
    """A question on the expression of interest form."""

    class Autocomplete(models.TextChoices):
        NONE = "", "None"
        NAME = "name", "Full name"
        EMAIL = "email", "Email address"
        TEL = "tel", "Telephone number"
        JOB = "organization-title", "Job title"

    field_type = models.CharField(
        verbose_name="field type", max_length=16, choices=[*FORM_FIELD_CHOICES, ("phone", "Telephone number")]
    )
    autocomplete = models.CharField(
        max_length=30,
        blank=True,
        choices=Autocomplete.choices,
        help_text="Lets browsers fill in the person's own details (an accessibility requirement).",
    )
    error_message = models.CharField(
        max_length=200,
        blank=True,
        help_text='Shown when a required answer is missing, e.g. "Enter your full name".',
    )
    page = ParentalKey("ExpressionOfInterestPage", on_delete=models.CASCADE, related_name="form_fields")

    panels = [*AbstractFormField.panels, FieldPanel("autocomplete"), FieldPanel("error_message")]


class ExpressionOfInterestPage(RoutablePageMixin, AbstractForm):
    """The expression of interest form: stored submissions, emails to the applicant and the team."""

    introduction = RichTextField(features=["bold", "link", "ul"], blank=True)
    privacy_note = RichTextField(
        features=["bold", "link", "ul"],
        help_text="How the answers are used and kept. Link to the privacy notice.",
    )
    submit_label = models.CharField(max_length=40, default="Send")
    thank_you_heading = models.CharField(max_length=80, default="Thank you, we have your details")
    thank_you_text = RichTextField(features=["bold", "link", "ul"], help_text="What happens next.")
    acknowledgement_text = models.TextField(
        help_text="The opening of the email the applicant receives (their answers follow)."
    )

    form_builder = InterestFormBuilder
    content_panels = [
        *AbstractForm.content_panels,
        FieldPanel("introduction"),
        InlinePanel("form_fields", label="Questions"),
        FieldPanel("privacy_note"),
        FieldPanel("submit_label"),
        MultiFieldPanel(
            [
                FieldPanel("thank_you_heading"),
                FieldPanel("thank_you_text"),
                FieldPanel("acknowledgement_text"),
            ],
            heading="After sending",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]
    parent_page_types = ["pages.RecruitmentPage"]
    subpage_types: list[str] = []

    template = "pages/expression_of_interest_page.html"
    landing_page_template = "pages/expression_of_interest_page_landing.html"

    def get_submissions_list_view_class(self):
        from cms.pages.admin_views import InterestSubmissionsListView  # needs the app registry

        return InterestSubmissionsListView

    @path("")
    def form_view(self, request):
        return interest_form_serve(page=self, request=request)

    @path("thank-you/", name="thank_you")
    def thank_you_view(self, request):
        return self.render_landing_page(request)

    def serve_preview(self, request, mode_name):
        if mode_name == "landing":
            return self.render_landing_page(request)
        return interest_form_serve(page=self, request=request, preview=True)
