from django.urls import path

from practiceweek import views

app_name = "practiceweek"

urlpatterns = [
    path("practice-week/", views.index, name="index"),
    path("practice-week/slots/<int:slot_id>/", views.slot_detail, name="slot"),
    path("practice-week/slots/<int:slot_id>/book/", views.slot_book, name="book"),
    path("practice-week/my-bookings/", views.my_bookings, name="my_bookings"),
    path("practice-week/bookings/<int:booking_id>/cancel/", views.booking_cancel, name="cancel"),
    path("practice-week/bookings/<int:booking_id>/invite.ics", views.booking_invite, name="invite"),
    path("practice-week/bookings/<int:booking_id>/reflection/", views.reflection, name="reflection"),
    path("practice-week/offers/<str:token>/", views.offer_respond, name="offer"),
    path("practice-week/hosting/", views.hosting, name="hosting"),
    path("practice-week/hosting/propose/", views.hosting_propose, name="hosting_propose"),
    path("practice-week/hosting/slots/<int:slot_id>/", views.hosting_slot, name="hosting_slot"),
]
