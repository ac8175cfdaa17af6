"""Signing in (password, then a TOTP code where the roles need one), signing out, and one's own account."""

from __future__ import annotations

import base64
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from tipsom.accounts import selectors, services
from tipsom.accounts.forms.auth import LoginForm, PasswordChangeForm, PreferredLanguageForm, TOTPCodeForm
from tipsom.accounts.models import User
from tipsom.core.errors import ApplicationError, TooManyRequests
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest

# Between the password and the second factor the session holds only who is signing in, for a short while.
PENDING_USER_KEY = "tipsom_pending_user_id"
PENDING_SINCE_KEY = "tipsom_pending_since"
PENDING_NEXT_KEY = "tipsom_pending_next"
PENDING_TRIES_KEY = "tipsom_pending_code_tries"
PENDING_SECONDS = 5 * 60
# Wrong codes allowed before the password must be typed again (the device also slows down guessing).
PENDING_MAX_CODE_TRIES = 5


# --- helpers ------------------------------------------------------------------------------------------------
def _safe_next(request: HttpRequest, candidate: str | None = None) -> str:
    """Where to go after signing in: `next` if it points inside this site, else the home page."""
    target = candidate if candidate is not None else request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    """Django keeps the interface language in a cookie (there is no session key for it since Django 4)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # a str in django-stubs, a Literal here
    )


def _sign_in(
    request: HttpRequest, user: User, *, method: str, next_url: str, device: TOTPDevice | None = None
) -> HttpResponse:
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        django_otp.login(request, device)
    services.login_completed(user=user, method=method)
    response = HttpResponseRedirect(next_url)
    if user.preferred_language in dict(settings.LANGUAGES):
        _set_language_cookie(response, user.preferred_language)
    return response


def _pending_start(request: HttpRequest, user: User, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_USER_KEY] = user.pk
    request.session[PENDING_SINCE_KEY] = timezone.now().timestamp()
    request.session[PENDING_NEXT_KEY] = next_url
    request.session[PENDING_TRIES_KEY] = 0


def _pending_clear(request: HttpRequest) -> None:
    for key in (PENDING_USER_KEY, PENDING_SINCE_KEY, PENDING_NEXT_KEY, PENDING_TRIES_KEY):
        request.session.pop(key, None)


def _pending_user(request: HttpRequest) -> User | None:
    """The user who gave a correct password less than five minutes ago in this session, if any."""
    user_id, since = request.session.get(PENDING_USER_KEY), request.session.get(PENDING_SINCE_KEY)
    if user_id is None or since is None:
        return None
    if timezone.now().timestamp() - float(since) > PENDING_SECONDS:
        _pending_clear(request)
        return None
    # The id comes from the server-side session, set after the password was checked, never from the request.
    return selectors.user_pending_sign_in(user_id)


def _restart_sign_in(request: HttpRequest, message: str) -> HttpResponse:
    _pending_clear(request)
    messages.warning(request, message)
    return redirect("accounts:login")


def _code_refused(request: HttpRequest, form: TOTPCodeForm, error: ApplicationError) -> HttpResponse | None:
    """Counts a wrong code; after too many the sign-in starts again from the password."""
    tries = int(request.session.get(PENDING_TRIES_KEY, 0)) + 1
    request.session[PENDING_TRIES_KEY] = tries
    if tries >= PENDING_MAX_CODE_TRIES:
        return _restart_sign_in(request, _("Too many wrong codes. Sign in again."))
    form_add_application_error(form, error)
    return None


def _confirm_code(request: HttpRequest, user: User, form: TOTPCodeForm, *, enrolment: bool) -> HttpResponse | int:
    """The TOTP step shared by verification and enrolment: a response when it is over, else the form's status."""
    if request.method != "POST":
        return 200
    if not form.is_valid():
        return 400
    try:
        device = services.totp_verify(user=user, token=form.cleaned_data["code"], enrolment=enrolment)
    except ApplicationError as error:
        return _code_refused(request, form, error) or 400
    next_url = _safe_next(request, request.session.get(PENDING_NEXT_KEY, ""))
    _pending_clear(request)
    if enrolment:
        messages.success(request, _("Your authenticator app is set up. Use it each time you sign in."))
    return _sign_in(request, user, method="totp", next_url=next_url, device=device)


# --- signing in and out -------------------------------------------------------------------------------------
@login_not_required
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url)
    form = LoginForm(request.POST if request.method == "POST" else None)
    status = 200
    wait_seconds: int | None = None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = services.login_attempt(
                    username=form.cleaned_data["username"], password=form.cleaned_data["password"], request=request
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status_code
                wait_seconds = error.wait_seconds if isinstance(error, TooManyRequests) else None
            else:
                if services.user_requires_2fa(user):
                    _pending_start(request, user, next_url)
                    has_device = services.totp_device_for(user) is not None
                    return redirect("accounts:login_verify" if has_device else "accounts:login_enrol")
                return _sign_in(request, user, method="password", next_url=next_url)
    response = render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)
    if wait_seconds:
        response["Retry-After"] = str(wait_seconds)
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def login_verify_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return _restart_sign_in(request, _("Your sign-in took too long or has not started. Sign in again."))
    if services.totp_device_for(user) is None:
        return redirect("accounts:login_enrol")
    form = TOTPCodeForm(request.POST if request.method == "POST" else None)
    done = _confirm_code(request, user, form, enrolment=False)
    if isinstance(done, HttpResponse):
        return done
    return render(request, "accounts/login_verify.html", {"form": form, "pending_user": user}, status=done)


def _qr_code_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG drawn on the server (no image request, nothing leaves the site)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")


def _grouped_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def login_enrol_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return _restart_sign_in(request, _("Your sign-in took too long or has not started. Sign in again."))
    if services.totp_device_for(user) is not None:
        # A password alone must never be enough to register another authenticator.
        return redirect("accounts:login_verify")
    device = services.totp_enrolment_start(user=user)
    form = TOTPCodeForm(request.POST if request.method == "POST" else None)
    done = _confirm_code(request, user, form, enrolment=True)
    if isinstance(done, HttpResponse):
        return done
    context = {
        "form": form,
        "pending_user": user,
        "qr_svg": _qr_code_svg(device),
        "secret": _grouped_secret(device),
    }
    return render(request, "accounts/login_enrol.html", context, status=done)


@require_POST
def logout_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.logout_recorded(user=request.user)
    auth_logout(request)
    messages.info(request, _("You have signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- one's own account --------------------------------------------------------------------------------------
def _own_tokens(user: User) -> list[Any]:
    return list(AuthToken.objects.filter(user=user).order_by("-created").only("token_key", "created", "expiry"))


def _profile_context(request: AuthenticatedHttpRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    context = {
        "account": user,
        "roles": list(user.roles.all()),
        "has_2fa": services.totp_device_for(user) is not None,
        "tokens": _own_tokens(user),
        "now": timezone.now(),
        "language_form": PreferredLanguageForm(initial={"preferred_language": user.preferred_language}),
    }
    context.update(extra)
    return context


@never_cache
@require_http_methods(["GET", "POST"])
def profile_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Shows one's own account; a POST saves the preferred language."""
    if request.method == "POST":
        form = PreferredLanguageForm(request.POST)
        if form.is_valid():
            language = form.cleaned_data["preferred_language"]
            try:
                services.user_set_preferred_language(actor=request.user, language=language)
            except ApplicationError as error:
                form_add_application_error(form, error)
            else:
                messages.success(request, _("Your preferred language is saved."))
                response = redirect("accounts:profile")
                if language:
                    _set_language_cookie(response, language)
                return response
        return render(request, "accounts/profile.html", _profile_context(request, language_form=form), status=400)
    return render(request, "accounts/profile.html", _profile_context(request))


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_change_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST if request.method == "POST" else None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.user_set_password(
                    actor=request.user, user=request.user, password=form.cleaned_data["new_password1"]
                )
            except ApplicationError as error:
                if error.extra.get("field") == "password":
                    form.add_error("new_password1", error.message)
                else:
                    form_add_application_error(form, error)
            else:
                # Other sessions of this account end; this one continues.
                update_session_auth_hash(request, request.user)
                messages.success(request, _("Your password is changed."))
                return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


@never_cache
@require_POST
def token_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Creates an API token and shows it this once; only its digest is kept."""
    instance, token = services.api_token_create(actor=request.user)
    context = _profile_context(request, new_token=token, new_token_key=instance.token_key)
    return render(request, "accounts/profile.html", context)


@require_POST
def token_revoke_view(request: AuthenticatedHttpRequest, token_key: str) -> HttpResponse:
    services.api_token_revoke(actor=request.user, token_key=token_key)
    messages.success(request, _("The API token %(key)s is revoked.") % {"key": token_key})
    return redirect(reverse("accounts:profile"))
