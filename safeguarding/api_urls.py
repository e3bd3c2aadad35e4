from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("concerns", api.ConcernViewSet, basename="concern")

urlpatterns = router.urls
