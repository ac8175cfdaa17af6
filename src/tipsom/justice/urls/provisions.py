"""Justice screens: provisions."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
