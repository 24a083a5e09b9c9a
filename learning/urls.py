from django.urls import include, path, re_path

from learning.views import assignments as assignment_views
from learning.views import launch as launch_views
from learning.views import progress as progress_views
from learning.views import scenarios as scenario_views
from learning.views import scorm as scorm_views
from learning.views import xapi as xapi_views

app_name = "learning"

# What a learner does inside a lesson: learning/lessons/<lesson_id>/...
lesson_routes = [
    path("checks/<str:block_id>/", progress_views.knowledge_check_answer_view, name="knowledge_check_answer"),
    path("reflections/<str:block_id>/", progress_views.reflection_save_view, name="reflection_save"),
    path("done/", progress_views.lesson_done_view, name="lesson_done"),
]

# One run of an MI practice scenario (H4c): learning/scenarios/attempts/<attempt_id>/...
scenario_attempt_routes = [
    path("", scenario_views.scenario_attempt_view, name="scenario_attempt"),
    path("respond/", scenario_views.scenario_respond_view, name="scenario_respond"),
    path("profile/", scenario_views.scenario_result_view, name="scenario_result"),
]

# An MI practice scenario: learning/scenarios/<slug>/...
scenario_routes = [
    path("", scenario_views.scenario_detail_view, name="scenario_detail"),
    path("start/", scenario_views.scenario_start_view, name="scenario_start"),
    path("progress/", scenario_views.scenario_progress_view, name="scenario_progress"),
]

urlpatterns: list = [
    path("learning/", assignment_views.my_learning_view, name="my_learning"),
    path("learning/calendar/<str:token>.ics", assignment_views.calendar_feed, name="calendar_feed"),
    path("learning/team/", assignment_views.my_team_view, name="my_team"),
    path("learning/team/remind/", assignment_views.team_remind_view, name="team_remind"),
    path("learning/xapi/statements/", xapi_views.xapi_statement, name="xapi_statement"),
    path("learning/xapi/state/", xapi_views.xapi_state, name="xapi_state"),
    path("learning/xapi-launch/", launch_views.xapi_launch_view, name="xapi_launch"),
    path("learning/xapi-launch/status/", launch_views.xapi_status_view, name="xapi_launch_status"),
    path(
        "learning/xapi-launch/fetch/<uuid:session_id>/<str:secret>/",
        launch_views.xapi_fetch_view,
        name="xapi_fetch",
    ),
    path("learning/scorm/commit/", scorm_views.scorm_commit_view, name="scorm_commit"),
    path("learning/scorm/resume/", scorm_views.scorm_resume_view, name="scorm_resume"),
    path("learning/lessons/<int:lesson_id>/", include(lesson_routes)),
    path(
        "learning/modules/<int:module_id>/complete/",
        progress_views.module_complete_view,
        name="module_complete",
    ),
    re_path(
        r"^learning/certificates/(?P<code>[A-Z0-9]{4,20})\.(?P<kind>png|pdf)$",
        progress_views.certificate_download_view,
        name="certificate_download",
    ),
    path("learning/search/", progress_views.module_search_view, name="search"),
    path(
        "certificates/verify/<str:code>/", progress_views.certificate_verify_view, name="certificate_verify"
    ),
    path("learning/scenarios/", scenario_views.scenario_list_view, name="scenario_list"),
    path("learning/team/scenarios/", scenario_views.scenario_team_view, name="scenario_team"),
    path("learning/scenarios/attempts/<int:attempt_id>/", include(scenario_attempt_routes)),
    path("learning/scenarios/<slug:slug>/", include(scenario_routes)),
]
