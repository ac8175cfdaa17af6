"""The accounts API on /api/v1/: users, roles, the current user and API tokens."""

from django.urls import path

from tipsom.accounts.api.views import MeView, RoleViewSet, TokenLogoutView, TokenObtainView, UserViewSet
from tipsom.core.registry import ApiRoute

routes = [
    ApiRoute("users", UserViewSet, "user"),
    ApiRoute("roles", RoleViewSet, "role"),
]
paths = [
    path("auth/token/", TokenObtainView.as_view(), name="auth-token"),
    path("auth/logout/", TokenLogoutView.as_view(), name="auth-logout"),
    path("me/", MeView.as_view(), name="me"),
]
