from django.urls import path

from consultations import calendar, views

app_name = "consultations"
urlpatterns = [
    path("consultations/", views.schedule_page, name="schedule"),
    # The year calendar: meetings, sessions and consultations (issue 11).
    path("meetings/calendar/", calendar.year_calendar_page, name="year_calendar"),
    path("meetings/calendar.ics", calendar.year_feed, name="year_feed"),
    path("consultations/mine/", views.my_consultations_page, name="my_consultations"),
    path("consultations/<int:pk>/", views.consultation_page, name="detail"),
    path("consultations/<int:pk>/event.ics", views.event_ics, name="event_ics"),
    path("consultations/calendar.ics", views.public_feed, name="public_feed"),
    path("consultations/calendar/rotate/", views.calendar_rotate, name="calendar_rotate"),
    # The token is the only credential: calendar apps fetch without a session.
    path("consultations/feeds/<str:token>/calendar.ics", views.private_feed,
         name="private_feed"),
]
