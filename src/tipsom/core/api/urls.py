"""The API root: every app's endpoints are registered on this router, mounted at /api/v1/ as namespace "api"."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from tipsom.accounts.api.views import MeView, RoleViewSet, TokenLogoutView, TokenObtainView, UserViewSet
from tipsom.audit.api.views import AuditEventViewSet
from tipsom.cases.api.views import CaseViewSet
from tipsom.core.api import schema  # noqa: F401  (registers the token scheme with drf-spectacular)
from tipsom.notifications.api.views import NotificationViewSet
from tipsom.organizations.api.views import OrganizationViewSet
from tipsom.people.api.views import PersonViewSet
from tipsom.referrals.api.directory import PathwayViewSet, ResponseTimeViewSet, ServiceViewSet
from tipsom.referrals.api.referral import ReferralViewSet, TransferViewSet
from tipsom.referrals.api.stats import ReferralStatsView


class ApiRouter(DefaultRouter):
    # JSON is the only format, so the ".json" suffix routes would only duplicate every URL.
    include_format_suffixes = False


router = ApiRouter()
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("users", UserViewSet, basename="user")
router.register("roles", RoleViewSet, basename="role")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("persons", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")
# Before "services", whose lookup is digits only, so these prefixes are never read as a service id.
router.register("services/pathways", PathwayViewSet, basename="pathway")
router.register("services/response-times", ResponseTimeViewSet, basename="response-time")
router.register("services", ServiceViewSet, basename="service")
router.register("notifications", NotificationViewSet, basename="notification")
# Transfers before referrals: both take digit-only ids, so "transfers" is never read as a referral id.
router.register("referrals/transfers", TransferViewSet, basename="transfer")
router.register("referrals", ReferralViewSet, basename="referral")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="auth-token"),
    path("auth/logout/", TokenLogoutView.as_view(), name="auth-logout"),
    path("me/", MeView.as_view(), name="me"),
    path("referrals/stats/", ReferralStatsView.as_view(), name="referral-stats"),
    *router.urls,
]
