from django.urls import path
from rest_framework.routers import SimpleRouter

from .attendance import api as attendance_api
from .compliance import api as compliance_api
from .core import api as core_api
from .plans import api as plans_api
from .visits import api as visits_api

router = SimpleRouter()
router.register("pupils", core_api.PupilViewSet, basename="pupil")
router.register("placements", core_api.PlacementViewSet, basename="placement")
router.register("visits", visits_api.VisitViewSet, basename="visit")
router.register("attendance", attendance_api.AttendanceViewSet, basename="attendance")
router.register("follow-ups", attendance_api.FollowUpViewSet, basename="follow-up")
router.register("flags", compliance_api.FlagViewSet, basename="flag")
router.register("learning-plans", plans_api.LearningPlanViewSet, basename="learning-plan")
router.register("reviews", plans_api.ReviewViewSet, basename="review")
router.register("qualifications", plans_api.QualificationViewSet, basename="qualification")
router.register("outcomes", plans_api.OutcomeViewSet, basename="outcome")

urlpatterns = [
    path("register/", attendance_api.RegisterView.as_view(), name="api-register"),
    *router.urls,
]
