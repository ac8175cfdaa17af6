"""Matching endpoints: the interactive check (POST /api/v1/persons/match/), the review queue and its decisions,
merges and their undoing, the deduplication jobs' progress, and access requests between organizations. Thin: the
payloads are shapes, matching.selectors read and matching.services decide."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.api.schema import error_responses
from tipsom.core.api.serializers import validated
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.permissions import require_permission
from tipsom.matching import selectors, services
from tipsom.matching.api import serializers
from tipsom.matching.filters import ANY, PairFilterSet, with_default_status
from tipsom.matching.models import AccessRequest, CandidatePair, DedupeJob, PersonMerge
from tipsom.people.models import Person
from tipsom.people.selectors import person_list


class MatchCheckView(APIView):
    """Check a person being registered against the whole registry of your country.

    Candidates you may see come with the person's id, birth year and gender; those you may not with the holding
    organization alone and a token to ask it for access (POST /api/v1/matching/access-requests/). Nothing is
    written. A name with no letters to compare (only punctuation, symbols or emoji) answers 200 with the warning
    "no_name" and no candidates; no name at all, a name with control or direction-changing characters or over 300
    characters, an impossible or future birth date, or citizenships that are not a list of country codes answer
    400 naming the field."""

    request: AuthenticatedRequest

    @extend_schema(
        tags=["persons"],
        request=serializers.MatchCheckSerializer,
        responses={200: serializers.CheckResultSerializer},
        summary="Possible matches of a person being registered",
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        require_permission(request.user, "add", Person)  # who may register persons; before the body is read
        data = validated(serializers.MatchCheckSerializer, request.data)
        result = selectors.match_check(user=request.user, **data)
        body = serializers.CheckResultSerializer(result, context={"request": request}).data
        return Response(body)


class PairPagination(KeysetPagination):
    ordering = ("-probability", "-pk")  # type: ignore[assignment]  # DRF takes a tuple too; the queue's order: the most likely duplicates first


_STATUS = OpenApiParameter(
    "status",
    str,
    enum=[*CandidatePair.Status.values, ANY],
    description='Default "proposed" (to review); "any" for every pair.',
)
_SOURCE = OpenApiParameter("source", str, enum=CandidatePair.Source.values, description="How the pair was found.")


@extend_schema(tags=["matching"])
@extend_schema_view(list=extend_schema(summary="Possible duplicates (the review queue)", parameters=[_STATUS, _SOURCE]))
class PairViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Pairs of persons that may be one, the most likely first, with the score and its reasons; never a name."""

    request: AuthenticatedRequest

    serializer_class = serializers.PairSerializer
    pagination_class = PairPagination
    filter_backends: list[Any] = []  # the filters are applied in list(), with the default status
    lookup_value_regex = r"[0-9]+"
    queryset = CandidatePair.objects.none()  # for the schema only; get_queryset narrows to the user

    def get_queryset(self) -> Any:
        return selectors.pair_list(user=self.request.user, status=None)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", CandidatePair)
        filterset = PairFilterSet(with_default_status(request.query_params), queryset=self.get_queryset())
        if not filterset.is_valid():
            raise ApplicationError("invalid", _("Some fields are not valid."), {"fields": dict(filterset.errors)})
        page = self.paginate_queryset(filterset.qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={200: serializers.PairSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return Response(self.get_serializer(selectors.access_pair_by_id(request.user, pk)).data)

    @extend_schema(
        request=serializers.DecideSerializer, responses={200: serializers.PairSerializer, **error_responses(409)}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Say whether the two persons are one ("confirmed") or two ("rejected": never proposed again)."""
        selectors.access_pair_by_id(request.user, pk, "change")
        data = validated(serializers.DecideSerializer, request.data)
        services.pair_decide(actor=request.user, pair_id=pk, decision=data["decision"], version=data["version"])
        return Response(self.get_serializer(selectors.access_pair_by_id(request.user, pk)).data)


@extend_schema(tags=["matching"])
@extend_schema_view(list=extend_schema(summary="Merges of persons"))
class MergeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Merges of persons, newest first; a merge can be undone exactly (undo/)."""

    request: AuthenticatedRequest

    serializer_class = serializers.MergeSerializer
    lookup_value_regex = r"[0-9]+"
    queryset = PersonMerge.objects.none()

    def get_queryset(self) -> Any:
        return selectors.merge_list(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", PersonMerge)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=serializers.MergeCreateSerializer, responses={201: serializers.MergeSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        """Merge `merged` into `survivor`: every case, referral, name and history row of the merged person then
        points to the survivor. Refused for a person into themselves, persons of two countries, or (code
        merge_choice_required) when birth data or child status differ and `birth_from` is not given."""
        require_permission(request.user, "add", PersonMerge)
        data = validated(serializers.MergeCreateSerializer, request.data)
        try:
            merge = services.person_merge(
                actor=request.user,
                survivor_id=data["survivor"],
                merged_id=data["merged"],
                birth_from=data.get("birth_from") or "",
                pair_id=data.get("pair"),
            )
        except ApplicationError as error:
            if error.code != "merge_choice_required":
                raise
            # The fields that differ are names of fields, not messages: they go beside the field to fill in.
            raise ApplicationError(
                error.code, error.message, {"field": "birth_from", "differing": list(error.extra.get("fields", []))}
            ) from error
        return Response(self.get_serializer(merge).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: serializers.MergeSerializer})
    @action(detail=True, methods=["post"])
    def undo(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """Undo the merge exactly: what moved goes back, the names are the merged person's again, the survivor's
        birth data is what it was. Refused when a later merge involves either person (undo that one first)."""
        merge = services.person_merge_undo(actor=request.user, merge_id=pk)
        return Response(self.get_serializer(selectors.access_merge_by_id(request.user, merge.pk)).data)


@extend_schema(tags=["matching"])
@extend_schema_view(list=extend_schema(summary="Deduplication jobs"))
class JobViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Runs of the batch deduplication (`tipsom match dedupe`), newest first, with their progress (step, done of
    total) while they run and their counts after."""

    request: AuthenticatedRequest

    serializer_class = serializers.JobSerializer
    lookup_value_regex = r"[0-9]+"
    queryset = DedupeJob.objects.none()

    def get_queryset(self) -> Any:
        return selectors.job_list(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", DedupeJob)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: serializers.JobSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        require_permission(request.user, "view", DedupeJob)
        job = self.get_queryset().filter(pk=pk).first()
        if job is None:
            raise NotFound()
        return Response(self.get_serializer(job).data)


_BOX = OpenApiParameter(
    "box", str, enum=["received", "sent"], description="received: asked of your organization; sent: by it."
)


@extend_schema(tags=["matching"])
@extend_schema_view(list=extend_schema(summary="Access requests", parameters=[_BOX]))
class AccessRequestViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Requests for access to a person another organization holds (a possible match found by the check): those
    your organization sent and those it received, newest first."""

    request: AuthenticatedRequest

    serializer_class = serializers.AccessRequestSerializer
    lookup_value_regex = r"[0-9]+"
    queryset = AccessRequest.objects.none()

    def get_queryset(self) -> Any:
        requests = selectors.access_request_list(user=self.request.user)
        box = self.request.query_params.get("box")
        if box == "received":
            requests = requests.filter(holding_organization_id=self.request.user.organization_id)
        elif box == "sent":
            requests = requests.filter(requesting_organization_id=self.request.user.organization_id)
        elif box:
            message = _("Use received or sent.")
            raise ApplicationError("invalid", message, {"fields": {"box": [message]}})
        return requests

    def _context(self, requests: list[AccessRequest]) -> dict[str, Any]:
        """The persons of these requests the user may see (one query), for their ids."""
        ids = {access.person_id for access in requests}
        visible = set(person_list(user=self.request.user).filter(pk__in=ids).values_list("pk", flat=True))
        return {"request": self.request, "visible": visible}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(self.request.user, "view", AccessRequest)
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page or [])
        body = serializers.AccessRequestSerializer(rows, many=True, context=self._context(rows)).data
        return self.get_paginated_response(body)

    def _one(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        access = selectors.access_request_by_id(self.request.user, pk)
        body = serializers.AccessRequestSerializer(access, context=self._context([access])).data
        return Response(body, status=code)

    @extend_schema(responses={200: serializers.AccessRequestSerializer})
    def retrieve(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        return self._one(pk)

    @extend_schema(
        request=serializers.AccessRequestCreateSerializer,
        responses={201: serializers.AccessRequestSerializer, **error_responses(409)},
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        """Ask the organization holding a possible match for access, with the candidate's token and your reason.
        409 when your organization already waits for an answer about this person."""
        require_permission(request.user, "add", AccessRequest)
        data = validated(serializers.AccessRequestCreateSerializer, request.data)
        access = services.access_request_create(actor=request.user, token=data["token"], reason=data["reason"])
        return self._one(access.pk, status.HTTP_201_CREATED)

    @extend_schema(request=serializers.AccessAnswerSerializer, responses={200: serializers.AccessRequestSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        """The holding organization grants access (until a date, or without an end) or refuses, with a note."""
        selectors.access_request_by_id(request.user, pk, "change")
        data = validated(serializers.AccessAnswerSerializer, request.data)
        services.access_request_answer(
            actor=request.user,
            request_id=pk,
            grant=data["grant"],
            note=data.get("note", ""),
            until=data.get("until") or None,
        )
        return self._one(pk)
