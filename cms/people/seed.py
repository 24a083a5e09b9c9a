"""Demo organisation: the council and its partners, teams across Oxfordshire, staff, demo logins.

Idempotent: people are matched by email, agencies and teams by slug. Only the
demo logins get a password (set when they are first created); everyone else
signs in by resetting theirs, as imported staff do.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from cms.core.seeding import DemoLogin, SeedContext, register
from cms.people import roles
from cms.people.models import Agency, StaffProfile, Team, User
from cms.people.services import (
    email_address_verify,
    groups_ensure,
    recruitment_form_access_ensure,
    role_groups_sync,
    roles_ensure,
)

COUNCIL = "oxfordshire-county-council"
POLICE = "thames-valley-police"
NHS = "oxford-health-nhs-foundation-trust"
PROBATION = "probation-service-thames-valley"

AGENCIES = [
    # slug, name, kind, email domain
    (COUNCIL, "Oxfordshire County Council", Agency.Kind.COUNCIL, "oxfordshire.gov.uk"),
    (POLICE, "Thames Valley Police", Agency.Kind.POLICE, "thamesvalley.police.uk"),
    (NHS, "Oxford Health NHS Foundation Trust", Agency.Kind.NHS, "nhs.net"),
    (PROBATION, "Probation Service (Thames Valley)", Agency.Kind.PROBATION, "justice.gov.uk"),
]

FAMILY_SAFEGUARDING_LOCALITIES = ["Oxford City", "Banbury", "Bicester", "Witney", "Abingdon", "Didcot"]
OTHER_TEAMS = [
    # slug, name, locality, agency
    ("adult-specialists-north", "Adult Specialist Team North", "Banbury", COUNCIL),
    ("adult-specialists-south", "Adult Specialist Team South", "Abingdon", COUNCIL),
    ("learning-and-development", "Learning and Development", "Oxford City", COUNCIL),
    ("recruitment-and-workforce", "Recruitment and Workforce", "Oxford City", COUNCIL),
    ("childrens-services-leadership", "Children's Services Leadership", "Oxford City", COUNCIL),
    ("public-protection", "Public Protection", "Thames Valley", POLICE),
    ("safeguarding-children-nhs", "Safeguarding Children", "Oxfordshire", NHS),
]

FIRST_NAMES = [
    "Amira", "Ben", "Chloe", "Daniel", "Eleanor", "Farhan", "Grace", "Harry", "Imogen", "Jamal",
    "Katie", "Liam", "Megan", "Nathan", "Olivia", "Priya", "Rhys", "Sophie", "Tom", "Uma",
    "Vikram", "Willow", "Yusuf", "Zara", "Aled", "Bethan", "Callum", "Deepa", "Ewan", "Fiona",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Barker", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal", "Jones",
    "Khan", "Lewis", "Morgan", "Nowak", "Owen", "Patel", "Quinn", "Roberts", "Shah", "Taylor",
    "Usher", "Vaughan", "Walker", "Young", "Ward", "Begum", "Collins", "Doyle", "Ellis", "Foster",
]  # fmt: skip

ADULT_SPECIALIST_ROLES = [
    (roles.DOMESTIC_ABUSE_PRACTITIONER, "Domestic abuse practitioner", COUNCIL),
    (roles.SUBSTANCE_MISUSE_PRACTITIONER, "Substance misuse practitioner", COUNCIL),
    (roles.MENTAL_HEALTH_PRACTITIONER, "Adult mental health practitioner", NHS),
    (roles.PROBATION_OFFICER, "Probation officer", PROBATION),
]

LEAD, PPU, SGC = "childrens-services-leadership", "public-protection", "safeguarding-children-nhs"
SENIOR_MANAGERS = [
    # email local part, first, last, job title, agency, team slug
    ("d.okafor", "David", "Okafor", "Director of Children's Services", COUNCIL, LEAD),
    ("senior", "Helen", "Ashworth", "Head of Service, Family Safeguarding", COUNCIL, LEAD),
    ("r.singh", "Ruth", "Singh", "Deputy Director, Safeguarding", COUNCIL, LEAD),
    ("m.harding", "Mark", "Harding", "Head of Corporate Parenting", COUNCIL, LEAD),
    ("j.osei", "Joanna", "Osei", "Head of Early Help", COUNCIL, LEAD),
    ("p.bennett", "Paul", "Bennett", "Service Manager, North", COUNCIL, LEAD),
    ("s.wright", "Sarah", "Wright", "Service Manager, South", COUNCIL, LEAD),
    ("a.malik", "Adil", "Malik", "Principal Social Worker", COUNCIL, LEAD),
    ("c.hale", "Claire", "Hale", "Head of Quality Assurance", COUNCIL, LEAD),
    ("n.price", "Neil", "Price", "Head of Adult Services Commissioning", COUNCIL, LEAD),
    ("k.ross", "Karen", "Ross", "Detective Superintendent, Public Protection", POLICE, PPU),
    ("t.naylor", "Tom", "Naylor", "Detective Chief Inspector, Child Abuse Investigation", POLICE, PPU),
    ("l.chambers", "Louise", "Chambers", "Chief Inspector, Neighbourhood Policing", POLICE, PPU),
    ("g.mensah", "George", "Mensah", "Superintendent, Oxford Local Policing Area", POLICE, PPU),
    ("e.ford", "Emma", "Ford", "Detective Inspector, Domestic Abuse", POLICE, PPU),
    ("b.kaur", "Baljit", "Kaur", "Associate Director of Nursing, Safeguarding", NHS, SGC),
    ("i.campbell", "Iain", "Campbell", "Named Doctor for Safeguarding Children", NHS, SGC),
    ("f.adeyemi", "Funmi", "Adeyemi", "Head of Adult Mental Health Services", NHS, SGC),
    ("h.lloyd", "Hannah", "Lloyd", "Named Nurse, Safeguarding Children", NHS, SGC),
    ("w.turner", "William", "Turner", "Clinical Director, Perinatal Services", NHS, SGC),
]  # fmt: skip


DEMO_LOGIN_ORDER = [
    f"{local}@oxfordshire.gov.uk"
    for local in ("learner", "manager", "senior", "host", "ld", "ldlead", "recruitment", "admin")
]


def _email(local: str, agency_slug: str) -> str:
    domain = next(domain for slug, _name, _kind, domain in AGENCIES if slug == agency_slug)
    return f"{local}@{domain}"


class _Seeder:
    def __init__(self, context: SeedContext) -> None:
        self.context = context
        self.roles = roles_ensure()
        self.agencies: dict[str, Agency] = {}
        self.teams: dict[str, Team] = {}
        self.logins: dict[str, str] = {}
        self.name_index = 0
        self.created = 0

    def next_name(self) -> tuple[str, str]:
        first = FIRST_NAMES[self.name_index % len(FIRST_NAMES)]
        last = LAST_NAMES[(self.name_index * 7 + 3) % len(LAST_NAMES)]
        self.name_index += 1
        return first, last

    def organisation(self) -> None:
        for slug, name, kind, domain in AGENCIES:
            agency, _ = Agency.objects.update_or_create(
                slug=slug, defaults={"name": name, "kind": kind, "email_domain": domain}
            )
            self.agencies[slug] = agency
        council = self.agencies[COUNCIL]
        for locality in FAMILY_SAFEGUARDING_LOCALITIES:
            slug = "family-safeguarding-" + locality.lower().replace(" ", "-")
            self.teams[slug], _ = Team.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": f"Family Safeguarding Team {locality}",
                    "locality": locality,
                    "agency": council,
                },
            )
        for slug, name, locality, agency_slug in OTHER_TEAMS:
            self.teams[slug], _ = Team.objects.update_or_create(
                slug=slug, defaults={"name": name, "locality": locality, "agency": self.agencies[agency_slug]}
            )

    def person(
        self,
        *,
        email: str,
        first_name: str,
        last_name: str,
        role: str,
        job_title: str,
        team: str | None,
        agency: str,
        line_manager: User | None = None,
        start_date: date = date(2021, 4, 1),
        login: str | None = None,
        superuser: bool = False,
    ) -> User:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None)
            if login:
                user.set_password(self.context.password)
            self.created += 1
        user.first_name, user.last_name = first_name, last_name
        user.is_active = True
        if superuser:
            user.is_superuser = user.is_staff = True
        user.save()
        email_address_verify(user=user)
        StaffProfile.objects.update_or_create(
            user=user,
            defaults={
                "job_title": job_title,
                "role": self.roles[role],
                "team": self.teams[team] if team else None,
                "agency": self.agencies[agency],
                "line_manager": line_manager,
                "start_date": start_date,
                "active": True,
            },
        )
        role_groups_sync(user=user)
        if login:
            self.logins[email] = login
        return user

    def staff(self) -> None:
        senior_managers = self.senior_managers()
        head_of_service = senior_managers[1]  # senior@, the Head of Service for Family Safeguarding
        for index, locality in enumerate(FAMILY_SAFEGUARDING_LOCALITIES):
            self.family_safeguarding_team(index, locality, head_of_service)
        for slug, local in (("adult-specialists-north", "asn"), ("adult-specialists-south", "ass")):
            self.adult_specialist_team(slug, local, head_of_service)
        self.central_teams(head_of_service)

    def senior_managers(self) -> list[User]:
        people = []
        for local, first, last, title, agency, team in SENIOR_MANAGERS:
            people.append(
                self.person(
                    email=_email(local, agency),
                    first_name=first,
                    last_name=last,
                    role=roles.SENIOR_MANAGER,
                    job_title=title,
                    team=team,
                    agency=agency,
                    line_manager=people[0] if people and agency == COUNCIL else None,
                    start_date=date(2016, 9, 1),
                    login="Senior manager (practice week)" if local == "senior" else None,
                )
            )
        return people

    def family_safeguarding_team(self, index: int, locality: str, head_of_service: User) -> None:
        team = "family-safeguarding-" + locality.lower().replace(" ", "-")
        key = locality.lower().replace(" ", "")
        is_demo_team = locality == "Oxford City"
        first, last = ("Marcus", "Bailey") if is_demo_team else self.next_name()
        manager = self.person(
            email="manager@oxfordshire.gov.uk" if is_demo_team else f"tm.{key}@oxfordshire.gov.uk",
            first_name=first,
            last_name=last,
            role=roles.TEAM_MANAGER,
            job_title="Team manager, Family Safeguarding",
            team=team,
            agency=COUNCIL,
            line_manager=head_of_service,
            start_date=date(2018, 1, 8),
            login="Team manager" if is_demo_team else None,
        )
        for number in range(1, 5):
            if is_demo_team and number == 1:
                email, (first, last), login = (
                    "learner@oxfordshire.gov.uk",
                    ("Jess", "Palmer"),
                    "Social worker (learner)",
                )
            elif locality == "Banbury" and number == 1:
                email, (first, last), login = (
                    "host@oxfordshire.gov.uk",
                    ("Sam", "Whitfield"),
                    "Frontline host (Banbury)",
                )
            else:
                email, (first, last), login = f"sw{number}.{key}@oxfordshire.gov.uk", self.next_name(), None
            self.person(
                email=email,
                first_name=first,
                last_name=last,
                role=roles.SOCIAL_WORKER,
                job_title="Senior social worker" if number == 2 else "Social worker",
                team=team,
                agency=COUNCIL,
                line_manager=manager,
                start_date=date(2019 + number % 4, 1 + (index + number) % 12, 1),
                login=login,
            )
        first, last = self.next_name()
        self.person(
            email=f"fsw.{key}@oxfordshire.gov.uk",
            first_name=first,
            last_name=last,
            role=roles.FAMILY_SUPPORT_WORKER,
            job_title="Family support worker",
            team=team,
            agency=COUNCIL,
            line_manager=manager,
            start_date=date(2020, 6, 1),
        )
        role, title, agency = ADULT_SPECIALIST_ROLES[index % len(ADULT_SPECIALIST_ROLES)]
        first, last = self.next_name()
        self.person(
            email=_email(f"as.{key}", agency),
            first_name=first,
            last_name=last,
            role=role,
            job_title=title,
            team=team,
            agency=agency,
            line_manager=manager,
            start_date=date(2022, 3, 1),
        )

    def adult_specialist_team(self, team: str, local: str, head_of_service: User) -> None:
        first, last = self.next_name()
        manager = self.person(
            email=f"tm.{local}@oxfordshire.gov.uk",
            first_name=first,
            last_name=last,
            role=roles.TEAM_MANAGER,
            job_title="Team manager, adult specialists",
            team=team,
            agency=COUNCIL,
            line_manager=head_of_service,
        )
        for number, (role, title, agency) in enumerate(ADULT_SPECIALIST_ROLES, start=1):
            first, last = self.next_name()
            self.person(
                email=_email(f"{local}{number}", agency),
                first_name=first,
                last_name=last,
                role=role,
                job_title=title,
                team=team,
                agency=agency,
                line_manager=manager,
                start_date=date(2020 + number % 3, 9, 1),
            )

    def central_teams(self, head_of_service: User) -> None:
        lead = self.person(
            email="ldlead@oxfordshire.gov.uk",
            first_name="Priya",
            last_name="Raman",
            role=roles.LEARNING_AND_DEVELOPMENT_LEAD,
            job_title="Learning and development lead",
            team="learning-and-development",
            agency=COUNCIL,
            line_manager=head_of_service,
            login="L&D lead (approves and publishes)",
        )
        self.person(
            email="ld@oxfordshire.gov.uk",
            first_name="Owen",
            last_name="Matthews",
            role=roles.LEARNING_AND_DEVELOPMENT,
            job_title="Learning and development officer",
            team="learning-and-development",
            agency=COUNCIL,
            line_manager=lead,
            login="L&D editor",
        )
        for number in (1, 2):
            first, last = self.next_name()
            self.person(
                email=f"ld{number}@oxfordshire.gov.uk",
                first_name=first,
                last_name=last,
                role=roles.LEARNING_AND_DEVELOPMENT,
                job_title="Practice educator",
                team="learning-and-development",
                agency=COUNCIL,
                line_manager=lead,
            )
        recruiter = self.person(
            email="recruitment@oxfordshire.gov.uk",
            first_name="Leah",
            last_name="Donovan",
            role=roles.RECRUITMENT,
            job_title="Recruitment adviser, children's social care",
            team="recruitment-and-workforce",
            agency=COUNCIL,
            line_manager=head_of_service,
            login="Recruitment team",
        )
        first, last = self.next_name()
        self.person(
            email="recruitment2@oxfordshire.gov.uk",
            first_name=first,
            last_name=last,
            role=roles.RECRUITMENT,
            job_title="Recruitment officer",
            team="recruitment-and-workforce",
            agency=COUNCIL,
            line_manager=recruiter,
        )
        self.person(
            email="admin@oxfordshire.gov.uk",
            first_name="Site",
            last_name="Administrator",
            role=roles.LEARNING_AND_DEVELOPMENT_LEAD,
            job_title="Platform administrator",
            team="learning-and-development",
            agency=COUNCIL,
            login="Administrator (superuser)",
            superuser=True,
        )


@register(order=10)
def seed_people(context: SeedContext) -> None:
    with transaction.atomic():
        groups_ensure()
        seeder = _Seeder(context)
        seeder.organisation()
        seeder.staff()
    for email in DEMO_LOGIN_ORDER:
        context.logins.append(DemoLogin(who=seeder.logins[email], email=email))
    context.say(
        f"people: {Agency.objects.count()} agencies, {Team.objects.count()} teams, "
        f"{StaffProfile.objects.filter(active=True).count()} active staff ({seeder.created} new)"
    )


@register(order=95)
def seed_people_permissions(context: SeedContext) -> None:
    """After the pages exist: refresh snippet permissions and let Recruitment read form submissions."""
    groups_ensure()
    recruitment_form_access_ensure()
