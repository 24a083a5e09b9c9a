from django.urls import path

from cms.people import views_invitations

app_name = "people_invitations"

urlpatterns = [
    path("<str:token>/", views_invitations.invitation_accept, name="accept"),
]
