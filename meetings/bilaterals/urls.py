from django.urls import path

from meetings.bilaterals import views

app_name = "bilaterals"
urlpatterns = [
    path("meetings/<int:pk>/bilaterals/", views.grid_page, name="grid"),
    path("meetings/<int:pk>/bilaterals/request/", views.request_view, name="request"),
    path("bilaterals/<int:pk>/answer/", views.answer_view, name="answer"),
    # The token is the only credential: calendar apps fetch without a session.
    path("bilaterals/feeds/<str:token>/calendar.ics", views.feed, name="feed"),
]
