"""Keeps a session that lacks a required second factor from going on (a role gained after signing in, say)."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from tipsom.accounts.services import logout_recorded, user_requires_2fa
from tipsom.core.errors import ApplicationError
from tipsom.core.middleware import error_response, is_api_request


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified() and user_requires_2fa(user):
            logout_recorded(user=user, reason="second factor required")
            logout(request)
            message = _("Your role now needs two-step sign-in. Sign in again to set it up.")
            if is_api_request(request):
                return error_response(request, ApplicationError("second_factor_required", message, status=401))
            messages.warning(request, message)
            return redirect("accounts:login")
        return self.get_response(request)
