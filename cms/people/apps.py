from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "cms.people"
    label = "people"
    verbose_name = "People and organisation"
