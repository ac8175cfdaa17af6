"""Account endpoints: API sign-in (tokens), sign-out, one's own account, users and roles."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.accounts import selectors, services
from tipsom.accounts.api import serializers
from tipsom.accounts.filters import UserFilterSet
from tipsom.accounts.models import User
from tipsom.core.api.throttling import AnonRateThrottle, ScopedRateThrottle
from tipsom.core.errors import ApplicationError
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import require_permission


def _check_second_factor(user: User, otp: str) -> None:
    if not services.user_requires_2fa(user):
        return
    if services.totp_device_for(user) is None:
        raise ApplicationError(
            "otp_not_enrolled",
            _("This account needs two-factor sign-in: sign in on the web once to set up an authenticator app."),
        )
    if not otp:
        raise ApplicationError(
            "otp_required", _("Send the code from your authenticator app in the field otp."), {"field": "otp"}
        )
    services.totp_verify(user=user, token=otp, enrolment=False)


class TokenObtainView(APIView):
    """Exchange a username, password and (where the roles need it) a TOTP code for an API token."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle, AnonRateThrottle]
    # Attempts per client address, on top of the sign-in limits every door shares (accounts.lockout).
    throttle_scope = "auth_token"

    @extend_schema(
        request=serializers.TokenObtainSerializer,
        responses={200: serializers.TokenSerializer},
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        payload = serializers.TokenObtainSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = services.login_attempt(username=data["username"], password=data["password"], request=request._request)
        _check_second_factor(user, data.get("otp", ""))
        instance, token = services.api_token_create(actor=user)
        return Response(serializers.TokenSerializer({"token": token, "expiry": instance.expiry}).data)


class TokenLogoutView(APIView):
    """Revoke the token this request was made with."""

    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: AuthenticatedRequest) -> Response:
        token_key = getattr(request.auth, "token_key", None)
        if not token_key:
            raise ApplicationError("not_token_authenticated", _("Only a request made with an API token can revoke it."))
        services.api_token_revoke(actor=request.user, token_key=token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user's own account."""

    request: AuthenticatedRequest  # past IsAuthenticated

    @extend_schema(tags=["auth"], responses={200: serializers.MeSerializer})
    def get(self, request: AuthenticatedRequest) -> Response:
        context = {"request": request, "requires_2fa": services.user_requires_2fa(request.user)}
        return Response(serializers.MeSerializer(request.user, context=context).data)


@extend_schema(tags=["users"])
class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Users within the requester's scope; administrators create and change them."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = serializers.UserSerializer
    filterset_class = UserFilterSet

    def get_queryset(self) -> Any:
        return selectors.user_list(user=self.request.user)

    @extend_schema(responses={200: serializers.UserSerializer(many=True)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", User)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: serializers.UserSerializer})
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        user = selectors.access_user_by_id(self.request.user, pk)
        return Response(self.get_serializer(user).data)

    @extend_schema(
        request=serializers.UserCreateSerializer,
        responses={201: serializers.UserSerializer},
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "add", User)
        payload = serializers.UserCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, **payload.validated_data)
        return Response(self.get_serializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.UserUpdateSerializer,
        responses={200: serializers.UserSerializer},
    )
    def partial_update(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        selectors.access_user_by_id(request.user, pk, "change")
        payload = serializers.UserUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        roles = data.pop("roles", None)
        user = services.user_update(actor=request.user, user_id=pk, data=data, roles=roles)
        return Response(self.get_serializer(user).data)


@extend_schema(tags=["roles"])
class RoleViewSet(viewsets.ReadOnlyModelViewSet):
    """The roles and the permissions they grant; for those who administer users."""

    request: AuthenticatedRequest  # past IsAuthenticated

    serializer_class = serializers.RoleSerializer
    lookup_field = "slug"
    pagination_class = None
    filter_backends: list[Any] = []

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Roles matter only to those who hand them out; for anyone else the endpoint does not exist.
        require_permission(self.request.user, "change", User)

    def get_queryset(self) -> Any:
        return selectors.role_list()
