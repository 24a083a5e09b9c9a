from django.urls import path

from modules import views

app_name = "modules"

urlpatterns: list = [
    path("h5p/<int:version_id>/<path:path>", views.h5p_content, name="h5p_content"),
    path(
        "scorm/<int:lesson_id>/<slug:block_id>/<int:version_id>/<path:path>",
        views.scorm_content,
        name="scorm_content",
    ),
    path(
        "xapi-packages/<int:lesson_id>/<slug:block_id>/<int:version_id>/<path:path>",
        views.xapi_content,
        name="xapi_content",
    ),
]
