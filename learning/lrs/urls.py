"""The LRS's resources, mounted at /xapi/ from cms/urls.py."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from learning.lrs import documents, statements

app_name = "xapi"

urlpatterns = [
    path("statements", statements.statements_view, name="statements"),
    path("statements/more/<str:token>", statements.statements_more_view, name="statements_more"),
    path("activities/state", documents.state_view, name="state"),
    path("activities/profile", documents.activity_profile_view, name="activity_profile"),
    path("activities", documents.activities_view, name="activities"),
    path("agents/profile", documents.agent_profile_view, name="agent_profile"),
    path("agents", documents.agents_view, name="agents"),
    path("about", csrf_exempt(documents.about_view), name="about"),
]
