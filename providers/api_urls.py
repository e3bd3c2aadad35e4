from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("providers", api.ProviderViewSet, basename="provider")

urlpatterns = router.urls
