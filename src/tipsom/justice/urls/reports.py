"""Justice screens: reports."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
