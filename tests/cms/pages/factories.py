"""Factories for cms.pages: the home and standard pages, the recruitment page, its form and vacancies."""

import datetime as dt
import json

import factory
import wagtail_factories

from cms.pages.demo.seed import form_fields_spec
from cms.pages.models import (
    ExpressionOfInterestPage,
    HomePage,
    InterestFormField,
    RecruitmentPage,
    StandardPage,
    Vacancy,
)
from cms.pages.selectors import london_today
from cms.people.services import groups_ensure, recruitment_form_access_ensure


class VacancyFactory(factory.django.DjangoModelFactory):
    """A vacancy, published unless `live=False` is given (then it is a draft)."""

    class Meta:
        model = Vacancy
        skip_postgeneration_save = True

    title = "Social worker"
    team = factory.Sequence(lambda n: f"Family Safeguarding Team {n}")
    locality = "Oxford"
    grade = "Grade 10"
    salary_min = 38220
    salary_max = 43421
    hours = "37 hours a week"
    employment_type = Vacancy.EmploymentType.FULL_TIME
    closing_date = factory.LazyFunction(lambda: london_today() + dt.timedelta(days=14))
    description = "<p>Work with families alongside adult specialists.</p>"
    apply_url = "https://www.oxfordshire.gov.uk/jobs"
    reference = factory.Sequence(lambda n: f"FS-T-{n:04d}")

    @classmethod
    def _create(cls, model_class, *args, live=True, **kwargs):
        vacancy = model_class(*args, live=False, **kwargs)
        vacancy.save()
        if live:
            vacancy.save_revision().publish()
            vacancy.refresh_from_db()
        return vacancy


def recruitment_body(*, extra: list | None = None) -> str:
    return json.dumps(
        [
            {
                "type": "text",
                "value": {"heading": "How the teams work", "body": "<p>Whole-family teams.</p>"},
            },
            {
                "type": "figures",
                "value": {
                    "heading": "What changed in Hertfordshire",
                    "introduction": "",
                    "stats": [
                        {
                            "figure": "55%",
                            "label": "fewer children on child protection plans",
                            "source": "Hertfordshire County Council",
                        }
                    ],
                },
            },
            {
                "type": "vacancies",
                "value": {
                    "heading": "Current vacancies",
                    "introduction": "",
                    "empty_text": "No vacancies now.",
                },
            },
            *(extra or []),
        ]
    )


class RecruitmentPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = RecruitmentPage

    title = "Social work jobs"
    slug = "join-us"
    hero_heading = "Do the social work you came into the job to do"
    hero_text = "We are recruiting social workers for whole-family teams."
    organisation_name = "Oxfordshire County Council"
    organisation_url = "https://www.oxfordshire.gov.uk/"
    job_region = "Oxfordshire"
    body = factory.LazyFunction(recruitment_body)


class ExpressionOfInterestPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ExpressionOfInterestPage
        skip_postgeneration_save = True

    title = "Tell us you are interested"
    slug = "express-interest"
    introduction = "<p>Tell us about yourself.</p>"
    privacy_note = "<p>We keep your answers for 12 months.</p>"
    thank_you_text = "<p>We will contact you.</p>"
    acknowledgement_text = "Thank you for telling us you are interested."

    @factory.post_generation
    def fields(self, create, extracted, **kwargs):
        """The demo's questions (cms/pages/demo/recruitment.json) unless others are given."""
        if not create:
            return
        for sort_order, spec in enumerate(extracted if extracted is not None else form_fields_spec()):
            InterestFormField.objects.create(page=self, sort_order=sort_order, **spec)


def recruitment_access_grant() -> None:
    """The Recruitment group's access as the role setup gives it: its model permissions
    (vacancies, the admin) and "change_page" on every form page, so it reads submissions."""
    groups_ensure()
    recruitment_form_access_ensure()


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Family Safeguarding Learning"
    slug = "home"
    introduction = "Training and practice for the Family Safeguarding Model."


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = "Accessibility statement"
    body = "<p>About accessibility.</p>"
