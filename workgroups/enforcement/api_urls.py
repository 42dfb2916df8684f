# API routes of enforcement, mounted under /api/v1/ (names are in the "api" namespace).
from rest_framework.routers import SimpleRouter

from workgroups.enforcement.api import OperationViewSet, SeizureReportViewSet

router = SimpleRouter()
router.register("operations", OperationViewSet, basename="operation")
router.register("seizure-reports", SeizureReportViewSet, basename="seizure-report")

urlpatterns: list = router.urls
