from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("pupils", api.PupilViewSet, basename="pupil")
router.register("placements", api.PlacementViewSet, basename="placement")
router.register("visits", api.VisitViewSet, basename="visit")
router.register("attendance", api.AttendanceViewSet, basename="attendance")
router.register("follow-ups", api.FollowUpViewSet, basename="follow-up")
router.register("flags", api.FlagViewSet, basename="flag")

urlpatterns = router.urls
