# API routes of workgroups, mounted under /api/v1/ (names are in the "api" namespace).
from rest_framework.routers import SimpleRouter

from workgroups.api import BodyViewSet, ChairTermViewSet, MilestoneViewSet

router = SimpleRouter()
router.register("bodies", BodyViewSet, basename="body")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("chair-terms", ChairTermViewSet, basename="chair-term")

urlpatterns: list = router.urls
