"""Factories for records of learning (learning)."""

import datetime

import factory
from django.utils import timezone

from learning.models import Assignment, ModuleCompletion, Programme
from tests.cms.people.factories import UserFactory


class ModuleCompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModuleCompletion

    user = factory.SubFactory(UserFactory)
    cycle = 1
    completed_at = factory.LazyFunction(timezone.now)
    source = ModuleCompletion.Source.ONLINE


# MI scenario attempts (H4c): finished runs with given totals, for team figures and charts.


class ScenarioAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "learning.ScenarioAttempt"

    user = factory.SubFactory(UserFactory)
    scenario = None
    scenario_title = factory.LazyAttribute(lambda attempt: attempt.scenario.title if attempt.scenario else "")
    status = "completed"
    current_node = "end-good"
    end_node = "end-good"
    opening_text = "Why are you here?"
    readiness = 5
    openness = 5
    responses = 4
    mi_consistent = 3
    questions = 1
    reflections = 2
    complex_reflections = 1
    started_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("slug",)

    name = "Family Safeguarding rollout"
    slug = "fsm-rollout"
    go_live_date = datetime.date(2027, 6, 1)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    due_mode = Assignment.DueMode.FIXED
    due_date = datetime.date(2027, 3, 31)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(extracted)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)

    @factory.post_generation
    def agencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.agencies.set(extracted)

    @factory.post_generation
    def people(self, create, extracted, **kwargs):
        if create and extracted:
            self.people.set(extracted)
