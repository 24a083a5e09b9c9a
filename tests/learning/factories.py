"""Factories for records of learning (learning)."""

import factory
from django.utils import timezone

from learning.models import ModuleCompletion
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
