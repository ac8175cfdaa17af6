"""Referral screens: the inbox and outbox, each referral, transfers, bundles and statistics (namespace
"referrals"). The directory is urls/directory.py; the case page's Referrals tab and its forms (urls/case.py) join
the case's own URLs under /cases/<pk>/ through the registry."""

from django.urls import path

from tipsom.referrals.views import bundle as bundles
from tipsom.referrals.views import letter
from tipsom.referrals.views import referral as referrals
from tipsom.referrals.views import stats as statistics
from tipsom.referrals.views import transfer as transfers

app_name = "referrals"

urlpatterns = [
    path("", referrals.inbox_view, name="inbox"),
    path("sent/", referrals.outbox_view, name="outbox"),
    path("<int:pk>/", referrals.referral_detail_view, name="detail"),
    path("<int:pk>/accept/", referrals.referral_accept_view, name="accept"),
    path("<int:pk>/decline/", referrals.referral_decline_view, name="decline"),
    path("<int:pk>/start/", referrals.referral_start_view, name="start"),
    path("<int:pk>/complete/", referrals.referral_complete_view, name="complete"),
    path("<int:pk>/revoke/", referrals.referral_revoke_view, name="revoke"),
    path("<int:pk>/register-case/", referrals.referral_register_case_view, name="register_case"),
    path("transfers/", transfers.transfer_list_view, name="transfers"),
    path("transfers/<int:pk>/", transfers.transfer_detail_view, name="transfer_detail"),
    path("transfers/<int:pk>/accept/", transfers.transfer_accept_view, name="transfer_accept"),
    path("transfers/<int:pk>/decline/", transfers.transfer_decline_view, name="transfer_decline"),
    path("transfers/<int:pk>/cancel/", transfers.transfer_cancel_view, name="transfer_cancel"),
    path("stats/", statistics.referral_stats_view, name="stats"),
    path("<int:pk>/letter/", letter.referral_letter_view, name="letter"),
    path("<int:pk>/bundle/", bundles.bundle_export_view, name="bundle_export"),
    path("import/", bundles.bundle_import_view, name="bundle_import"),
]
