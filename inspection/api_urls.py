from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("readiness", api.ReadinessViewSet, basename="readiness")
router.register("evidence-packs", api.EvidencePackViewSet, basename="evidence-pack")

urlpatterns = router.urls
