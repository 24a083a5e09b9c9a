"""Factories for programmes, assignments and enrolments."""

import datetime

import factory

from learning.models import Assignment, Programme


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
