from django.urls import path

from modules import views

app_name = "modules"

urlpatterns: list = [
    path("h5p/<int:version_id>/<path:path>", views.h5p_content, name="h5p_content"),
]
