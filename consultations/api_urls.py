# API routes of consultations, mounted under /api/v1/ (names are in the "api" namespace).
from rest_framework.routers import SimpleRouter

from consultations import api

router = SimpleRouter()
router.register("partners", api.PartnerViewSet, basename="partner")
router.register("consultations", api.ConsultationViewSet, basename="consultation")
urlpatterns = router.urls
