from django.urls import path

from cms.pages import views

app_name = "pages"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
