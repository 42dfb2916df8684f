# API routes of the meeting record, mounted under /api/v1/ (names in the "api" namespace).
from django.urls import path
from rest_framework.routers import SimpleRouter

from meetings.records import api

router = SimpleRouter()
router.register("action-items", api.ActionItemViewSet, basename="action-item")
router.register(r"meetings/(?P<meeting>[0-9]+)/decisions", api.DecisionViewSet,
                basename="meeting-decision")
urlpatterns = [
    path("meetings/<int:meeting>/sessions/<int:sid>/attendance/", api.AttendanceView.as_view(),
         name="meeting-attendance"),
    path("meetings/<int:meeting>/record.pdf", api.RecordPdfView.as_view(),
         name="meeting-record-pdf"),
    *router.urls,
]
