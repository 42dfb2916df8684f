# API routes of reporting, mounted under /api/v1/ (names are in the "api" namespace).
from rest_framework.routers import SimpleRouter

from workgroups.reporting.api import ProgressReportViewSet

router = SimpleRouter()
router.register("reports", ProgressReportViewSet, basename="report")

urlpatterns: list = router.urls
