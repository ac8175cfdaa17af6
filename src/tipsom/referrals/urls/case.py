"""The Referrals tab of the case page: its URL patterns join the case's own under /cases/<pk>/ (names
`cases:referrals`, ...), registered from ReferralsConfig.ready()."""

from django.urls import path

from tipsom.referrals.views import case_tab
from tipsom.referrals.views import transfer as transfers

urlpatterns = [
    path("referrals/", case_tab.case_referrals_view, name="referrals"),
    path("referrals/send/", case_tab.case_referral_send_view, name="referral_send"),
    path("transfer/", transfers.case_transfer_request_view, name="transfer_request"),
]
