from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("partnerships", api.PartnershipViewSet, basename="partnership")
router.register("schools", api.SchoolViewSet, basename="school")
router.register("half-terms", api.HalfTermViewSet, basename="half-term")
router.register("closures", api.ClosureViewSet, basename="closure")

urlpatterns = [
    path("auth/token/", api.AuthTokenView.as_view(), name="api-token"),
    *router.urls,
]
