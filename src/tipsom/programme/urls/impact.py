"""The programme's impact pages: training and detection, and an awareness campaign's effect."""

from django.urls import path

from tipsom.programme.views import impact

urlpatterns = [
    path("", impact.impact_view, name="impact"),
    path("campaign/<int:pk>/", impact.campaign_effect_view, name="campaign_effect"),
]
