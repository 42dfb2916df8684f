from django.urls import path

from consultations import views

app_name = "consultations"
urlpatterns = [
    path("consultations/", views.schedule_page, name="schedule"),
    path("consultations/mine/", views.my_consultations_page, name="my_consultations"),
    path("consultations/<int:pk>/", views.consultation_page, name="detail"),
    path("consultations/<int:pk>/event.ics", views.event_ics, name="event_ics"),
    path("consultations/calendar.ics", views.public_feed, name="public_feed"),
    path("consultations/calendar/rotate/", views.calendar_rotate, name="calendar_rotate"),
    # The token is the only credential: calendar apps fetch without a session.
    path("consultations/feeds/<str:token>/calendar.ics", views.private_feed,
         name="private_feed"),
]
