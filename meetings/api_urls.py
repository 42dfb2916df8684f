# API routes of meetings, mounted under /api/v1/ (names are in the "api" namespace).
from rest_framework.routers import SimpleRouter

from meetings import api

router = SimpleRouter()
router.register("meetings", api.MeetingViewSet, basename="meeting")
router.register("documents", api.DocumentViewSet, basename="document")
urlpatterns = router.urls
