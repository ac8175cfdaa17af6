"""The referral API on /api/v1/: the service directory, referrals, transfers and referral statistics."""

from django.urls import path

from tipsom.core.registry import ApiRoute
from tipsom.referrals.api.directory import PathwayViewSet, ResponseTimeViewSet, ServiceViewSet
from tipsom.referrals.api.referral import ReferralViewSet
from tipsom.referrals.api.stats import ReferralStatsView
from tipsom.referrals.api.transfer import TransferViewSet

# Sub-prefixes come first (a lower weight): "services" and "referrals" take digit-only ids, so "pathways" or
# "transfers" is never read as an id, but the router must still try the longer prefix first.
routes = [
    ApiRoute("services/pathways", PathwayViewSet, "pathway", weight=-1),
    ApiRoute("services/response-times", ResponseTimeViewSet, "response-time", weight=-1),
    ApiRoute("services", ServiceViewSet, "service"),
    ApiRoute("referrals/transfers", TransferViewSet, "transfer", weight=-1),
    ApiRoute("referrals", ReferralViewSet, "referral"),
]
paths = [path("referrals/stats/", ReferralStatsView.as_view(), name="referral-stats")]
