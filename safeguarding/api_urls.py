from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("concerns", api.ConcernViewSet, basename="concern")
router.register("risk-assessments", api.RiskAssessmentViewSet, basename="risk-assessment")
router.register("inductions", api.InductionViewSet, basename="induction")

urlpatterns = router.urls
