"""Matching payloads. Inputs are shapes and the checks of the interactive check's fields (text rule, birth date,
country codes); matching.services decides the rest. Outputs never carry a name: persons by id, organization,
birth year and gender; reasons as levels, weights and codes."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tipsom.core.api.serializers import StrictInputSerializer
from tipsom.core.dates import BirthDateError, parse_birth_date
from tipsom.core.validation import MAX_LINE, clean_text
from tipsom.matching.models import AccessRequest, CandidatePair, DedupeJob, PersonMerge
from tipsom.matching.selectors import Candidate
from tipsom.matching.wording import public_reasons, reason_words
from tipsom.organizations import geography
from tipsom.people.models import Person

MAX_NAMES = 10

REASONS_SCHEMA = {
    "type": "object",
    "properties": {
        "levels": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Field -> level: name (exact, canonical, close, similar, different), birth_date (exact, "
            "swapped, year_month, year, year_pm1, different), sex (same, different), citizenship (shared, "
            "different); a field unknown on either side is left out.",
        },
        "weights": {"type": "object", "additionalProperties": {"type": "number"}, "description": "log2(m/u) added."},
        "name": {"type": "array", "items": {"type": "string"}, "description": "Codes of what the name comparison saw."},
    },
    "additionalProperties": {"type": "number"},
}


# --- The interactive check ----------------------------------------------------------------------------------------
class MatchCheckSerializer(StrictInputSerializer):
    """A person being registered. At least one name: `names`, or `given_name` and/or `family_name`."""

    names = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        required=False,
        max_length=MAX_NAMES,
        help_text=_lazy("The person's names as written, in any script (each at most 300 characters)."),
    )
    given_name = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    family_name = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    birth_date = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=_lazy("YYYY-MM-DD, YYYY-MM or YYYY; not in the future."),
    )
    sex = serializers.ChoiceField(
        choices=[("M", "M"), ("F", "F"), ("U", "U")],
        required=False,
        allow_blank=True,
        help_text=_lazy('"M", "F", or "" (or "U") when unknown.'),
    )
    citizenships = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        max_length=MAX_NAMES,
        help_text=_lazy("ISO 3166-1 alpha-2 codes."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        errors: dict[str, Any] = {}
        texts: list[str] = []
        for index, value in enumerate(attrs.get("names") or []):
            cleaned, problem = clean_text(value, max_length=MAX_LINE)
            if problem:
                errors[f"names.{index}"] = [problem]
            texts.append(cleaned)
        parts = []
        for field in ("given_name", "family_name"):
            cleaned, problem = clean_text(attrs.get(field, ""), max_length=MAX_LINE)
            if problem:
                errors[field] = [problem]
            parts.append(cleaned)
        if any(parts):
            texts.append(" ".join(part for part in parts if part))
        texts = [text for text in texts if text]
        if not texts and not errors:
            errors["names"] = [_("Give at least one name: names, or given_name and family_name.")]
        birth_date = ""
        try:
            born = parse_birth_date(attrs.get("birth_date", ""))
        except BirthDateError as error:
            errors["birth_date"] = [str(error)]
        else:
            birth_date = born.text if born is not None else ""
        citizenships = []
        for code in attrs.get("citizenships") or []:
            code = code.strip().upper()
            if not geography.is_country(code):
                errors["citizenships"] = [_("Unknown country code (use ISO 3166-1 alpha-2).")]
                break
            citizenships.append(code)
        if errors:
            raise serializers.ValidationError(errors)
        sex = attrs.get("sex", "")
        return {
            "names": texts,
            "birth_date": birth_date,
            "sex": "" if sex == "U" else sex,
            "citizenships": list(dict.fromkeys(citizenships)),
        }


class CheckOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CheckPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    birth_year = serializers.IntegerField(allow_null=True)
    gender = serializers.CharField()
    url = serializers.CharField(help_text=_lazy("The person in the API (statistical fields; names by reveal)."))


class CandidateSerializer(serializers.Serializer):
    """A possible match. Visible: the person (id, birth year, gender). Not visible: only the holding organization
    and a `token` with which to ask it for access (POST /api/v1/matching/access-requests/)."""

    visible = serializers.BooleanField()
    probability = serializers.FloatField()
    match_weight = serializers.FloatField()
    reasons = serializers.SerializerMethodField()
    reason_words = serializers.SerializerMethodField()
    organization = serializers.SerializerMethodField()
    person = serializers.SerializerMethodField()
    token = serializers.CharField(help_text=_lazy("Empty for a visible candidate."))

    @extend_schema_field(REASONS_SCHEMA)
    def get_reasons(self, candidate: Candidate) -> dict[str, Any]:
        return public_reasons(candidate.reasons)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_reason_words(self, candidate: Candidate) -> list[str]:
        return reason_words(candidate.reasons)

    @extend_schema_field(CheckOrganizationSerializer)
    def get_organization(self, candidate: Candidate) -> dict[str, Any]:
        return {"id": candidate.organization_id, "name": candidate.organization_name}

    @extend_schema_field(CheckPersonSerializer(allow_null=True))
    def get_person(self, candidate: Candidate) -> dict[str, Any] | None:
        if not candidate.visible or candidate.person_id is None:
            return None
        request = self.context.get("request")
        url = reverse("api:person-detail", kwargs={"pk": candidate.person_id})
        return {
            "id": candidate.person_id,
            "birth_year": candidate.birth_year,
            "gender": candidate.gender,
            "url": request.build_absolute_uri(url) if request is not None else url,
        }


class CheckResultSerializer(serializers.Serializer):
    candidates = CandidateSerializer(many=True)
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text=_lazy('Codes: "no_name" (no letters to compare: nothing checked), "birth_date_ignored", ...'),
    )


# --- The review queue ---------------------------------------------------------------------------------------------
def organization_of(person: Person) -> dict[str, Any]:
    return {"id": person.owner_organization_id, "name": person.owner_organization.name}


class PairPersonSerializer(serializers.ModelSerializer):
    """One person of a pair, without a name."""

    organization = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "organization", "gender", "birth_year", "citizenships", "is_presumed_minor"]
        read_only_fields = fields

    @extend_schema_field(CheckOrganizationSerializer)
    def get_organization(self, person: Person) -> dict[str, Any]:
        return organization_of(person)


class PairSerializer(serializers.ModelSerializer):
    person_low = PairPersonSerializer(read_only=True)
    person_high = PairPersonSerializer(read_only=True)
    reasons = serializers.SerializerMethodField()
    reason_words = serializers.SerializerMethodField()
    cluster_size = serializers.SerializerMethodField()

    class Meta:
        model = CandidatePair
        fields = [
            "id",
            "person_low",
            "person_high",
            "probability",
            "reasons",
            "reason_words",
            "status",
            "source",
            "job",
            "cluster",
            "cluster_size",
            "found_at",
            "decided_by",
            "decided_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(REASONS_SCHEMA)
    def get_reasons(self, pair: CandidatePair) -> dict[str, Any]:
        return public_reasons(pair.reasons)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_reason_words(self, pair: CandidatePair) -> list[str]:
        return reason_words(pair.reasons)

    @extend_schema_field(OpenApiTypes.INT)
    def get_cluster_size(self, pair: CandidatePair) -> int | None:
        return pair.cluster.size if pair.cluster_id and pair.cluster else None


class DecideSerializer(StrictInputSerializer):
    decision = serializers.ChoiceField(
        choices=[CandidatePair.Status.CONFIRMED, CandidatePair.Status.REJECTED],
        help_text=_lazy('"confirmed" (the same person) or "rejected" (different persons: never proposed again).'),
    )
    version = serializers.IntegerField(
        min_value=1, help_text=_lazy("The `version` you read; a stale one answers 409 and changes nothing.")
    )


# --- Merges ---------------------------------------------------------------------------------------------------------
class MergeSerializer(serializers.ModelSerializer):
    moved = serializers.SerializerMethodField()
    birth_data_taken = serializers.SerializerMethodField()

    class Meta:
        model = PersonMerge
        fields = [
            "id",
            "survivor",
            "merged",
            "pair",
            "merged_by",
            "merged_at",
            "moved",
            "birth_data_taken",
            "undone_by",
            "undone_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_moved(self, merge: PersonMerge) -> dict[str, int]:
        """How many rows of each table moved to the survivor (ids are not given)."""
        return {name: len(ids) for name, ids in (merge.moved or {}).items() if isinstance(ids, list)}

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_birth_data_taken(self, merge: PersonMerge) -> bool:
        """Whether the survivor took the merged person's birth data (restored by an undo)."""
        return bool((merge.survivor_before or {}).get("changed"))


class MergeCreateSerializer(StrictInputSerializer):
    survivor = serializers.IntegerField(help_text=_lazy("The person kept."))
    merged = serializers.IntegerField(help_text=_lazy("The person merged into it (leaves the lists)."))
    pair = serializers.IntegerField(required=False, allow_null=True, help_text=_lazy("The pair of the queue, if any."))
    birth_from = serializers.ChoiceField(
        choices=["survivor", "merged"],
        required=False,
        allow_blank=True,
        help_text=_lazy(
            "Whose birth data and child status to keep when they differ (required then: "
            "code merge_choice_required, extra.differing names the fields)."
        ),
    )


# --- Deduplication jobs -------------------------------------------------------------------------------------------
class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = DedupeJob
        fields = [
            "id",
            "country",
            "status",
            "mode",
            "threshold",
            "step",
            "done",
            "total",
            "counts",
            "started_by",
            "started_at",
            "finished_at",
            "error",
        ]
        read_only_fields = fields


# --- Access requests ----------------------------------------------------------------------------------------------
class AccessRequestSerializer(serializers.ModelSerializer):
    """A request for access. `person` is the person's id for who may see the person (the holder; the asker once
    granted), null otherwise."""

    person = serializers.SerializerMethodField()
    requesting_organization = serializers.SerializerMethodField()
    holding_organization = serializers.SerializerMethodField()

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "person",
            "requesting_organization",
            "holding_organization",
            "requested_by",
            "requested_at",
            "reason",
            "status",
            "answered_by",
            "answered_at",
            "answer_note",
            "grant_until",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_person(self, access: AccessRequest) -> int | None:
        return access.person_id if access.person_id in self.context.get("visible", set()) else None

    @extend_schema_field(CheckOrganizationSerializer)
    def get_requesting_organization(self, access: AccessRequest) -> dict[str, Any]:
        return {"id": access.requesting_organization_id, "name": access.requesting_organization.name}

    @extend_schema_field(CheckOrganizationSerializer)
    def get_holding_organization(self, access: AccessRequest) -> dict[str, Any]:
        return {"id": access.holding_organization_id, "name": access.holding_organization.name}


class AccessRequestCreateSerializer(StrictInputSerializer):
    token = serializers.CharField(help_text=_lazy("The candidate's token from POST /api/v1/persons/match/."))
    reason = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text=_lazy("Why your organization needs the record.")
    )


class AccessAnswerSerializer(StrictInputSerializer):
    grant = serializers.BooleanField(help_text=_lazy("true: grant access; false: refuse."))
    note = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    until = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=_lazy("YYYY-MM-DD, today or later; empty: no end.")
    )
