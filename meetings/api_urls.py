# API routes of meetings, mounted under /api/v1/ (names are in the "api" namespace).
from django.urls import path
from rest_framework.routers import SimpleRouter

from meetings import api, authoring_api

router = SimpleRouter()
router.register("meetings", api.MeetingViewSet, basename="meeting")
router.register("documents", api.DocumentViewSet, basename="document")
nested = {"get": "list", "post": "create"}
detail = {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
urlpatterns = [
    *router.urls,
    path("meetings/<int:meeting_pk>/sessions/",
         authoring_api.SessionViewSet.as_view(nested), name="session-list"),
    path("meetings/<int:meeting_pk>/sessions/<int:pk>/",
         authoring_api.SessionViewSet.as_view(detail), name="session-detail"),
    path("meetings/<int:meeting_pk>/agenda-items/",
         authoring_api.AgendaItemViewSet.as_view(nested), name="agenda-item-list"),
    path("meetings/<int:meeting_pk>/agenda-items/<int:pk>/",
         authoring_api.AgendaItemViewSet.as_view(detail), name="agenda-item-detail"),
    path("meetings/<int:meeting_pk>/delegations/<str:code>/",
         authoring_api.DelegationView.as_view({"get": "retrieve", "put": "update"}),
         name="delegation-detail"),
]
