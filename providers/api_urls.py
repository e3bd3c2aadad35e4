from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("providers", api.ProviderViewSet, basename="provider")
router.register("provider-audits", api.ProviderAuditViewSet, basename="provider-audit")
router.register("qa-visits", api.QAVisitViewSet, basename="qa-visit")

urlpatterns = router.urls
