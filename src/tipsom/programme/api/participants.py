"""The programme API of rosters and participants: an activity's roster (names masked) and adding a person to it,
the import of a roster file, an attendance's change and removal, a participant (masked) and the audited reveal of
their name. Thin: the payloads are shapes only; programme.services.participants checks every value."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.core.api.serializers import (
    AsGivenDateField,
    AsGivenDecimalField,
    StrictInputSerializer,
    text_input,
    validated,
)
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.masking import mask
from tipsom.intake.files import too_large_error
from tipsom.programme.models import Attendance, Participant
from tipsom.programme.selectors import participants as selectors
from tipsom.programme.services import participants as services


# --- Reading ------------------------------------------------------------------------------------------------------
class ParticipantSerializer(serializers.ModelSerializer):
    """A participant with the name masked (the reveal endpoint shows it, audited)."""

    name = serializers.SerializerMethodField(help_text=_lazy("Masked."))
    activities = serializers.SerializerMethodField(help_text=_lazy("How many activities they attended."))

    class Meta:
        model = Participant
        fields = ["id", "country", "name", "sex", "sector", "organization", "organization_name", "region", "activities"]
        read_only_fields = fields

    def get_name(self, participant: Participant) -> str:
        return mask(participant.name)

    def get_activities(self, participant: Participant) -> int:
        return participant.attendances.count()


class RosterAttendanceSerializer(serializers.ModelSerializer):
    """One person on a roster: the participant (masked) and the scores, satisfaction, attendance and certificate."""

    participant = ParticipantSerializer(read_only=True)

    class Meta:
        model = Attendance
        fields = [
            "id",
            "activity",
            "participant",
            "pre_score",
            "post_score",
            "post_test_on",
            "satisfaction",
            "attendance_percent",
            "certificate_number",
            "certified_on",
        ]
        read_only_fields = fields


class RosterSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_sex = serializers.DictField(child=serializers.IntegerField())
    by_sector = serializers.DictField(child=serializers.IntegerField())
    mean_pre = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    mean_post = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    mean_gain = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    mean_satisfaction = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    mean_attendance = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)
    certificates = serializers.IntegerField()


class RosterSerializer(serializers.Serializer):
    activity = serializers.IntegerField()
    summary = RosterSummarySerializer()
    attendances = RosterAttendanceSerializer(many=True)


class ParticipantNameSerializer(serializers.Serializer):
    name = serializers.CharField()
    name_latin = serializers.CharField(allow_blank=True)


class RosterImportAnswerSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField(help_text=_lazy("Participants newly registered."))
    reused = serializers.IntegerField(help_text=_lazy("Participants found again (already registered)."))
    attendance_ids = serializers.ListField(child=serializers.IntegerField())


# --- Writing: shapes only -----------------------------------------------------------------------------------------
class RosterScoresSerializer(StrictInputSerializer):
    pre_score = AsGivenDecimalField(required=False, allow_null=True, help_text=_lazy("0 to 100."))
    post_score = AsGivenDecimalField(required=False, allow_null=True, help_text=_lazy("0 to 100."))
    post_test_on = AsGivenDateField(
        required=False, allow_null=True, help_text=_lazy("Not before the activity's start.")
    )
    satisfaction = AsGivenDecimalField(required=False, allow_null=True, help_text=_lazy("1 to 5."))
    attendance_percent = AsGivenDecimalField(required=False, allow_null=True, help_text=_lazy("0 to 100."))


class RosterAddSerializer(RosterScoresSerializer):
    """A person: `participant_id` of a known participant, or the details (found again by username or name)."""

    participant_id = serializers.IntegerField(required=False)
    name = text_input(200, trim_whitespace=True)
    name_latin = text_input(200, trim_whitespace=True)
    sex = text_input(8, _lazy("female, male, other, unknown."), trim_whitespace=True)
    sector = text_input(
        24, _lazy("police, prosecutors, judges, social_workers, family_defenders, ..."), trim_whitespace=True
    )
    organization_id = serializers.IntegerField(required=False, allow_null=True)
    organization_name = text_input(200, trim_whitespace=True)
    region = text_input(10, _lazy("ISO 3166-2."), trim_whitespace=True)
    username = text_input(150, _lazy("A tipsom user of the country."), trim_whitespace=True)


class RosterImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_lazy("CSV or XLSX; headings in the first row."))


class ParticipantRevealSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=500, help_text=_lazy("Why you need the name (kept in the audit log)."))


# --- Views --------------------------------------------------------------------------------------------------------
def _roster(user: Any, activity_id: Any) -> dict[str, Any]:
    activity = selectors.roster_activity(user=user, activity_id=activity_id)
    attendances = selectors.roster_list(user=user, activity=activity).prefetch_related("participant__attendances")
    summary = selectors.roster_summary(activity)
    return {"activity": activity.pk, "summary": summary.__dict__, "attendances": list(attendances)}


def _attendance(user: Any, attendance_id: Any, code: int = status.HTTP_200_OK) -> Response:
    attendance = selectors.attendance_detail(user=user, attendance_id=attendance_id)
    return Response(RosterAttendanceSerializer(attendance).data, status=code)


@extend_schema(tags=["programme"])
class RosterView(APIView):
    """An activity's roster with its summary (names masked); POST adds a person."""

    request: AuthenticatedRequest

    @extend_schema(responses={200: RosterSerializer})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return Response(RosterSerializer(_roster(request.user, pk)).data)

    @extend_schema(request=RosterAddSerializer, responses={201: RosterAttendanceSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        """Add a person to the roster: the same person of the country is found again (by username, else name)."""
        selectors.roster_activity(user=request.user, activity_id=pk, action="change")
        data = validated(RosterAddSerializer, request.data)
        scores = {name: data.pop(name) for name in services.SCORE_FIELDS if name in data}
        participant_id = data.pop("participant_id", None)
        attendance = services.attendance_add(
            actor=request.user,
            activity_id=pk,
            participant=None if participant_id is not None else data,
            participant_id=participant_id,
            scores=scores,
        )
        return _attendance(request.user, attendance.pk, status.HTTP_201_CREATED)


@extend_schema(tags=["programme"])
class RosterImportView(APIView):
    """Import a roster file (multipart, field `file`): all or nothing; a bad file answers 400 with each bad row's
    line, column and reason in extra.rows."""

    request: AuthenticatedRequest
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": RosterImportSerializer}, responses={201: RosterImportAnswerSerializer}
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        selectors.roster_activity(user=request.user, activity_id=pk, action="change")
        upload = validated(RosterImportSerializer, request.data)["file"]
        if upload.size > services.IMPORT_MAX_BYTES:
            raise too_large_error(services.IMPORT_MAX_BYTES)
        result = services.roster_import(
            actor=request.user, activity_id=pk, content=upload.read(), filename=upload.name or ""
        )
        return Response(RosterImportAnswerSerializer(result.__dict__).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["programme"])
class RosterAttendanceView(APIView):
    """One person on a roster: PATCH the scores, DELETE to take them off the roster."""

    request: AuthenticatedRequest

    @extend_schema(request=RosterScoresSerializer, responses={200: RosterAttendanceSerializer})
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        services.attendance_for_change(request.user, pk)
        data = validated(RosterScoresSerializer, request.data)
        services.attendance_update(actor=request.user, attendance_id=pk, data=data)
        return _attendance(request.user, pk)

    @extend_schema(responses={204: None})
    def delete(self, request: AuthenticatedRequest, pk: int) -> Response:
        services.attendance_remove(actor=request.user, attendance_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["programme"])
class ParticipantView(APIView):
    """A participant, the name masked."""

    request: AuthenticatedRequest

    @extend_schema(responses={200: ParticipantSerializer})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        participant = selectors.participant_detail(user=request.user, participant_id=pk)
        return Response(ParticipantSerializer(participant).data)


@extend_schema(tags=["programme"])
class ParticipantRevealView(APIView):
    """The participant's name, for users who may reveal it; the reason is required and audited."""

    request: AuthenticatedRequest

    @extend_schema(request=ParticipantRevealSerializer, responses={200: ParticipantNameSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        selectors.participant_detail(user=request.user, participant_id=pk, action="reveal")
        reason = validated(ParticipantRevealSerializer, request.data)["reason"]
        shown = services.participant_reveal(actor=request.user, participant_id=pk, reason=reason)
        return Response(ParticipantNameSerializer(shown).data)


paths = [
    path("programme/activities/<int:pk>/roster/", RosterView.as_view(), name="programme-roster"),
    path("programme/activities/<int:pk>/roster/import/", RosterImportView.as_view(), name="programme-roster-import"),
    path("programme/attendances/<int:pk>/", RosterAttendanceView.as_view(), name="programme-attendance"),
    path("programme/participants/<int:pk>/", ParticipantView.as_view(), name="programme-participant"),
    path(
        "programme/participants/<int:pk>/reveal/", ParticipantRevealView.as_view(), name="programme-participant-reveal"
    ),
]
