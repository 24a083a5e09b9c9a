"""Demo recruitment content: the landing page at /join-us/, its form, vacancies and the team's access.

Idempotent: pages, vacancies and the hero picture are found by slug, reference and
title, so a second run creates nothing. Dates (closing dates, open days) are set
relative to the day of the first run.
"""

import datetime as dt
import io
import json

from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images.models import Image
from wagtail.models import GroupPagePermission, Site

from cms.core.seeding import SeedContext, register
from cms.pages.models import ExpressionOfInterestPage, InterestFormField, RecruitmentPage, Vacancy
from cms.pages.seed import home_page_ensure
from cms.pages.selectors import london_today
from cms.people.roles import GROUP_RECRUITMENT

HERO_TITLE = "Family Safeguarding: the family at the centre, the team around it"
HERO_ALT = "Illustration: a family of four at the centre, surrounded by the practitioners who support them"

SOURCE_HERTS = "Hertfordshire County Council, reported outcomes of Family Safeguarding since 2015"
SOURCE_COUNCIL = "Oxfordshire County Council, cabinet report on adopting Family Safeguarding"


def _rich(*paragraphs: str) -> str:
    return "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def hero_image_ensure() -> Image:
    """An illustration drawn here (no stock photography in the demo): a family and its team."""
    existing = Image.objects.filter(title=HERO_TITLE).first()
    if existing is not None:
        return existing
    width, height = 1600, 1067
    picture = PILImage.new("RGB", (width, height), (0, 90, 112))
    draw = ImageDraw.Draw(picture)
    for step in range(height):
        shade = int(30 * step / height)
        draw.line([(0, step), (width, step)], fill=(0, 90 + shade, 112 + shade))
    # The team around the family: seven practitioners on a wide circle.
    team_colours = [(255, 221, 0), (133, 153, 75), (244, 119, 56), (204, 226, 216), (255, 255, 255)]
    centre_x, centre_y = width // 2, height // 2 + 40
    for index in range(7):
        x = centre_x + int(560 * (index - 3) / 3)
        y = centre_y - 260 + int(abs(index - 3) * 70)
        colour = team_colours[index % len(team_colours)]
        draw.ellipse([x - 42, y - 42, x + 42, y + 42], fill=colour)
        draw.rounded_rectangle([x - 70, y + 52, x + 70, y + 230], radius=60, fill=colour)
    # The family at the centre: two adults and two children.
    for offset, scale in ((-150, 1.0), (150, 1.0), (-50, 0.65), (60, 0.55)):
        head = int(55 * scale)
        x = centre_x + offset
        top = centre_y + 40 + int(160 * (1 - scale))
        draw.ellipse([x - head, top - head, x + head, top + head], fill=(255, 255, 255))
        draw.rounded_rectangle(
            [x - int(90 * scale), top + head + 12, x + int(90 * scale), top + head + int(260 * scale)],
            radius=int(70 * scale),
            fill=(255, 255, 255),
        )
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    image = Image(title=HERO_TITLE, description=HERO_ALT)
    image.file.save(
        "family-safeguarding-hero.jpg", ImageFile(buffer, name="family-safeguarding-hero.jpg"), save=False
    )
    image.save()
    return image


def recruitment_body(*, today: dt.date, form_page: ExpressionOfInterestPage | None) -> list[dict]:
    def block(kind: str, value) -> dict:
        return {"type": kind, "value": value}

    events = [
        {
            "title": "Open evening: meet a Family Safeguarding Team",
            "date": (today + dt.timedelta(days=16)).isoformat(),
            "start_time": "17:30:00",
            "end_time": "19:30:00",
            "location": "County Hall, New Road, Oxford OX1 1ND",
            "description": (
                "Meet social workers, a domestic abuse practitioner and a team manager. Sit in on a "
                "short mock group supervision and ask anything about caseloads, pay and training."
            ),
            "booking_url": "",
        },
        {
            "title": "Online: Family Safeguarding explained for social workers",
            "date": (today + dt.timedelta(days=30)).isoformat(),
            "start_time": "12:30:00",
            "end_time": "13:30:00",
            "location": "Online (Microsoft Teams): we send the link when you express interest",
            "description": "A lunchtime session on how the teams work, with time for questions.",
            "booking_url": "",
        },
        {
            "title": "Banbury drop-in for newly qualified social workers",
            "date": (today + dt.timedelta(days=44)).isoformat(),
            "start_time": "16:00:00",
            "end_time": "18:00:00",
            "location": "Banbury Library, Marlborough Road, Banbury OX16 5DB",
            "description": "Hear about our Assessed and Supported Year in Employment (ASYE) programme.",
            "booking_url": "",
        },
    ]
    body = [
        block(
            "text",
            {
                "heading": "A different way to do child protection",
                "body": _rich(
                    "Family Safeguarding puts children's social workers in the same team as adult "
                    "specialists: domestic abuse practitioners, drug and alcohol workers and mental "
                    "health practitioners. When a family needs help, the people who can help the "
                    "parents are already in the room with you.",
                    "Everyone in the team is trained in motivational interviewing, so every worker "
                    "talks with parents in the same way: helping them find their own reasons to "
                    "change, while staying clear about the risks to the child. We believe parents "
                    "are capable of change, and we give them the help to do it.",
                    "The whole team meets regularly to think about each family together in group "
                    "case supervision. You are never holding a worrying case alone.",
                ),
            },
        ),
        block(
            "figures",
            {
                "heading": "What it changed in Hertfordshire",
                "introduction": "Hertfordshire built the model in 2015. These are its reported results.",
                "stats": [
                    {
                        "figure": "55%",
                        "label": "fewer children on child protection plans within 30 months",
                        "source": SOURCE_HERTS,
                    },
                    {"figure": "39%", "label": "fewer days children spent in care", "source": SOURCE_HERTS},
                    {
                        "figure": "53%",
                        "label": "fewer hospital admissions for adults in the families",
                        "source": SOURCE_HERTS,
                    },
                    {
                        "figure": "66%",
                        "label": "fewer police contacts for domestic abuse",
                        "source": SOURCE_HERTS,
                    },
                    {"figure": "£2.6m", "label": "saved in the first year", "source": SOURCE_HERTS},
                ],
            },
        ),
        block(
            "figures",
            {
                "heading": "Why we are changing",
                "introduction": (
                    "More children are coming into care here than ever before. Doing more of the same "
                    "will not help them."
                ),
                "stats": [
                    {
                        "figure": "80%",
                        "label": "rise in children in care between 2011 and 2019, from 425 to 780",
                        "source": SOURCE_COUNCIL,
                    },
                    {
                        "figure": "915",
                        "label": "children expected to be in care by 2023 if nothing changes",
                        "source": SOURCE_COUNCIL,
                    },
                ],
            },
        ),
        block(
            "offer",
            {
                "heading": "What you get",
                "introduction": "",
                "items": [
                    {
                        "title": "A team around every family",
                        "text": (
                            "Domestic abuse, substance misuse and mental health practitioners work in "
                            "your team, not in another service with its own waiting list."
                        ),
                    },
                    {
                        "title": "Motivational interviewing training",
                        "text": (
                            "Funded training for everyone, with practice scenarios and coaching on our "
                            "learning platform, so you can build the skill over time."
                        ),
                    },
                    {
                        "title": "Group case supervision",
                        "text": (
                            "Regular supervision with the whole team and every discipline, as well as "
                            "your own supervision with your manager."
                        ),
                    },
                    {
                        "title": "Caseloads you can manage",
                        "text": (
                            "We are recruiting around 40 social workers so that caseloads leave time "
                            "for direct work with children and parents."
                        ),
                    },
                    {
                        "title": "Room to progress",
                        "text": (
                            "A supported first year (ASYE) for newly qualified workers, then routes to "
                            "senior practitioner, practice educator and team manager."
                        ),
                    },
                    {
                        "title": "Flexible working",
                        "text": (
                            "Hybrid working, part-time and compressed hours considered for every post, "
                            "and a laptop and phone from day one."
                        ),
                    },
                ],
            },
        ),
        block(
            "quotes",
            {
                "heading": "In their words",
                "quotes": [
                    {
                        "quote": (
                            "When a dad told me he was drinking again, the substance misuse worker was "
                            "at the next desk. We saw him together that afternoon."
                        ),
                        "name": "Social worker",
                        "role": "Family Safeguarding Team (demo quote)",
                    },
                    {
                        "quote": (
                            "Group supervision changed how I hold risk. Five people who know the family "
                            "think it through with you, and you leave with a plan."
                        ),
                        "name": "Senior practitioner",
                        "role": "Family Safeguarding Team (demo quote)",
                    },
                    {
                        "quote": (
                            "Motivational interviewing gave me words for conversations I used to dread. "
                            "Parents argue less and tell me more."
                        ),
                        "name": "Domestic abuse practitioner",
                        "role": "Family Safeguarding Team (demo quote)",
                    },
                ],
            },
        ),
        block(
            "vacancies",
            {
                "heading": "Current vacancies",
                "introduction": (
                    "New jobs are added as teams form ahead of go-live. If nothing fits yet, tell us "
                    "you are interested and we will contact you when something does."
                ),
                "empty_text": (
                    "There are no vacancies open right now. Tell us you are interested and we will "
                    "let you know when there are."
                ),
            },
        ),
        block(
            "events",
            {
                "heading": "Open days and events",
                "introduction": "Come and meet the people you would work with.",
                "events": events,
                "empty_text": (
                    "There are no open days booked at the moment. Tell us you are interested and we "
                    "will invite you to the next one."
                ),
            },
        ),
        block(
            "questions",
            {
                "heading": "Questions social workers ask us",
                "questions": [
                    {
                        "question": "Do I need to be registered with Social Work England?",
                        "answer": _rich(
                            "Yes, for social worker posts. If you are in the final year of your course "
                            "you can apply now: we offer the post subject to your registration."
                        ),
                    },
                    {
                        "question": "Do I need to know motivational interviewing already?",
                        "answer": _rich(
                            "No. Everyone is trained, whatever their experience, and practises with "
                            "coaching. Curiosity about how people change matters more than a certificate."
                        ),
                    },
                    {
                        "question": "How is this different from a usual child protection team?",
                        "answer": _rich(
                            "The adult specialists are in your team, you share one way of working with "
                            "parents, and the whole team supervises each family together. The aim is "
                            "for parents to change, so that children can stay safely at home."
                        ),
                    },
                    {
                        "question": "What are caseloads like?",
                        "answer": _rich(
                            "Lower than many local authorities, and shared thinking in group supervision "
                            "means you are not carrying worry alone. Ask a team manager at an open day."
                        ),
                    },
                    {
                        "question": "I am newly qualified. Is there a place for me?",
                        "answer": _rich(
                            "Yes. Our Assessed and Supported Year in Employment gives you a protected "
                            "caseload, a practice educator and regular reflective supervision."
                        ),
                    },
                    {
                        "question": "When would I start?",
                        "answer": _rich(
                            "Training starts in the autumn and the new teams go live the following June. "
                            "You can join before go-live and train with your team."
                        ),
                    },
                ],
            },
        ),
    ]
    if form_page is not None:
        body.append(
            block(
                "call_to_action",
                {
                    "heading": "Interested?",
                    "text": (
                        "Tell us a little about yourself. It takes two minutes, and a member of the "
                        "recruitment team will contact you."
                    ),
                    "button_label": "Tell us you are interested",
                    "page": form_page.pk,
                    "url": "",
                },
            )
        )
    return body


FORM_FIELDS = [
    {
        "label": "Full name",
        "clean_name": "full_name",
        "field_type": "singleline",
        "required": True,
        "autocomplete": "name",
        "error_message": "Enter your full name",
    },
    {
        "label": "Email address",
        "clean_name": "email_address",
        "field_type": "email",
        "required": True,
        "autocomplete": "email",
        "help_text": "We will only use this to contact you about jobs and events.",
        "error_message": "Enter your email address",
    },
    {
        "label": "Phone number",
        "clean_name": "phone_number",
        "field_type": "phone",
        "required": False,
        "autocomplete": "tel",
        "help_text": "If you would like us to call you.",
    },
    {
        "label": "Current role",
        "clean_name": "current_role",
        "field_type": "singleline",
        "required": True,
        "autocomplete": "organization-title",
        "help_text": "For example, child protection social worker, or final-year social work student.",
        "error_message": "Enter your current role",
    },
    {
        "label": "Social Work England registration",
        "clean_name": "social_work_england_registration",
        "field_type": "radio",
        "required": True,
        "choices": "\n".join(
            [
                "Registered social worker",
                "Newly qualified: registered, or registration in progress",
                "Final-year social work student",
                "Not a social worker (for example, an adult specialist)",
            ]
        ),
        "error_message": "Select your Social Work England registration status",
    },
    {
        "label": "Areas of interest",
        "clean_name": "areas_of_interest",
        "field_type": "checkboxes",
        "required": True,
        "help_text": "Select all that apply.",
        "choices": "\n".join(
            [
                "Social worker in a Family Safeguarding Team",
                "Newly qualified social worker (ASYE)",
                "Senior practitioner or team manager",
                "Adult specialist: domestic abuse, substance misuse or mental health",
                "Open days and events",
            ]
        ),
        "error_message": "Select at least one area you are interested in",
    },
    {
        "label": "I agree to the recruitment team contacting me about jobs and events",
        "clean_name": "consent_to_contact",
        "field_type": "checkbox",
        "required": True,
        "error_message": "Agree to be contacted, so that we can reply to you",
    },
]


def form_page_ensure(recruitment: RecruitmentPage) -> ExpressionOfInterestPage:
    page = ExpressionOfInterestPage.objects.child_of(recruitment).first()
    if page is not None:
        return page
    page = ExpressionOfInterestPage(
        title="Tell us you are interested",
        slug="express-interest",
        search_description=(
            "Tell Oxfordshire's recruitment team you are interested in Family Safeguarding jobs."
        ),
        introduction=_rich(
            "Tell us a little about yourself and what interests you. A member of the recruitment team "
            "will contact you within five working days. This is not a job application."
        ),
        privacy_note=_rich(
            "We keep your answers for 12 months to contact you about jobs and events, then delete them. "
            'Read our <a href="/privacy/">privacy notice</a>.'
        ),
        submit_label="Send",
        thank_you_heading="Thank you, we have your details",
        thank_you_text=_rich(
            "We have sent you an email to confirm what you told us.",
            "A member of the recruitment team will contact you within five working days.",
        ),
        acknowledgement_text=(
            "Thank you for telling us you are interested in joining our Family Safeguarding Teams. "
            "A member of the recruitment team will contact you within five working days."
        ),
    )
    for sort_order, spec in enumerate(FORM_FIELDS):
        page.form_fields.add(InterestFormField(sort_order=sort_order, **spec))
    recruitment.add_child(instance=page)
    page.save_revision().publish()
    return page


def recruitment_page_ensure(*, today: dt.date) -> RecruitmentPage:
    home = home_page_ensure()
    # home_page_ensure may repoint the default site with a queryset update, which
    # leaves Wagtail's cached site root paths stale (page URLs would be None).
    Site.clear_site_root_paths_cache()
    page = RecruitmentPage.objects.child_of(home).first()
    if page is None:
        page = RecruitmentPage(
            title="Social work jobs in Family Safeguarding",
            slug="join-us",
            seo_title="Social work jobs: join our Family Safeguarding Teams",
            search_description=(
                "We are recruiting around 40 social workers to whole-family teams with adult "
                "specialists, motivational interviewing training and group supervision."
            ),
            hero_heading="Do the social work you came into the job to do",
            hero_text=(
                "We are recruiting around 40 social workers for our new Family Safeguarding Teams: "
                "whole-family teams with adult specialists beside you, training in motivational "
                "interviewing, and group supervision so no one holds risk alone."
            ),
            hero_image=hero_image_ensure(),
            hero_cta_label="Tell us you are interested",
            organisation_name="Oxfordshire County Council",
            organisation_url="https://www.oxfordshire.gov.uk/",
            job_region="Oxfordshire",
            body=json.dumps(recruitment_body(today=today, form_page=None)),
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    form_page = form_page_ensure(page)
    if page.hero_cta_page_id is None:
        page.hero_cta_page = form_page
        page.body = json.dumps(recruitment_body(today=today, form_page=form_page))
        page.save_revision().publish()
    return page


VACANCIES = [
    {
        "reference": "FS-SW-0142",
        "title": "Social worker",
        "team": "Family Safeguarding Team, Oxford City",
        "locality": "Oxford",
        "grade": "Grade 10",
        "salary_min": 38220,
        "salary_max": 43421,
        "hours": "37 hours a week; part-time and compressed hours considered",
        "employment_type": Vacancy.EmploymentType.FULL_TIME,
        "closes_in_days": 21,
        "apply_url": "https://www.oxfordshire.gov.uk/jobs",
        "description": _rich(
            "Work with families where children are at risk, alongside a domestic abuse practitioner, a "
            "substance misuse worker and a mental health practitioner in the same team.",
            "You will be registered with Social Work England and have experience of child protection "
            "work. Training in motivational interviewing is provided.",
        ),
    },
    {
        "reference": "FS-SW-0143",
        "title": "Social worker",
        "team": "Family Safeguarding Team, Banbury",
        "locality": "Banbury",
        "grade": "Grade 10",
        "salary_min": 38220,
        "salary_max": 43421,
        "hours": "37 hours a week; hybrid working",
        "employment_type": Vacancy.EmploymentType.FULL_TIME,
        "closes_in_days": 35,
        "apply_url": "https://www.oxfordshire.gov.uk/jobs",
        "description": _rich(
            "Join one of the first Family Safeguarding Teams in the north of the county, working with "
            "families across Banbury and the surrounding villages. A car driver's licence is helpful.",
        ),
    },
    {
        "reference": "FS-NQ-0031",
        "title": "Newly qualified social worker (ASYE)",
        "team": "Family Safeguarding Team, Abingdon and Didcot",
        "locality": "Didcot",
        "grade": "Grade 9",
        "salary_min": 33366,
        "salary_max": 36124,
        "hours": "37 hours a week",
        "employment_type": Vacancy.EmploymentType.FULL_TIME,
        "closes_in_days": 49,
        "apply_url": "",
        "description": _rich(
            "Your Assessed and Supported Year in Employment in a team built around families: a protected "
            "caseload, a practice educator, and group supervision from your first week.",
            "Open to final-year students who will be registered before they start.",
        ),
    },
    {
        "reference": "FS-DA-0007",
        "title": "Domestic abuse practitioner",
        "team": "Family Safeguarding Team, Witney",
        "locality": "Witney",
        "grade": "Grade 8",
        "salary_min": 30060,
        "salary_max": 32654,
        "hours": "22.5 hours a week",
        "employment_type": Vacancy.EmploymentType.PART_TIME,
        "closes_in_days": 28,
        "apply_url": "https://www.oxfordshire.gov.uk/jobs",
        "description": _rich(
            "Deliver programmes for victims and perpetrators of domestic abuse as part of a whole-family "
            "team, and bring your expertise to group case supervision.",
        ),
    },
    {
        "reference": "FS-TM-0004",
        "title": "Team manager",
        "team": "Family Safeguarding Team, Bicester",
        "locality": "Bicester",
        "grade": "Grade 13",
        "salary_min": 52805,
        "salary_max": 57614,
        "hours": "37 hours a week",
        "employment_type": Vacancy.EmploymentType.FULL_TIME,
        "closes_in_days": -10,
        "apply_url": "https://www.oxfordshire.gov.uk/jobs",
        "description": _rich("Lead a multidisciplinary team through go-live. (This vacancy has closed.)"),
    },
]


def vacancies_ensure(*, today: dt.date) -> int:
    created = 0
    for spec in VACANCIES:
        if Vacancy.objects.filter(reference=spec["reference"]).exists():
            continue
        values = {key: value for key, value in spec.items() if key != "closes_in_days"}
        vacancy = Vacancy(**values, closing_date=today + dt.timedelta(days=spec["closes_in_days"]))
        vacancy.full_clean()
        vacancy.save()
        vacancy.save_revision().publish()
        created += 1
    return created


def recruitment_group_ensure(*, form_page: ExpressionOfInterestPage) -> Group:
    """The recruitment team reads submissions (Wagtail shows them to editors of the form page)
    and keeps vacancies up to date; publishing the form page itself stays with editors."""
    group, _ = Group.objects.get_or_create(name=GROUP_RECRUITMENT)
    wanted = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ) | Permission.objects.filter(
        content_type__app_label="pages",
        codename__in=["add_vacancy", "change_vacancy", "delete_vacancy", "publish_vacancy"],
    )
    group.permissions.add(*wanted)
    change_page = Permission.objects.get(content_type__app_label="wagtailcore", codename="change_page")
    GroupPagePermission.objects.get_or_create(group=group, page=form_page, permission=change_page)
    return group


@register(order=25)
def seed_recruitment(context: SeedContext) -> None:
    today = london_today()
    with transaction.atomic():
        page = recruitment_page_ensure(today=today)
        form_page = form_page_ensure(page)
        created = vacancies_ensure(today=today)
        recruitment_group_ensure(form_page=form_page)
    context.say(f"recruitment: {page.url} with its form, {created} new vacancies, recruitment team access")
