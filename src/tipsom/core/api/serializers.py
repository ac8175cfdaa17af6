"""Serializer pieces every app's API shares: strict payloads and the one error shape, for the schema."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictInputSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a misspelt field is an error rather than a silent no-op."""

    unknown_field_message = _("This field is not accepted here.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        initial = self.initial_data if isinstance(self.initial_data, dict) else {}
        writable = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(initial) - writable)
        if unknown:
            raise serializers.ValidationError({name: [self.unknown_field_message] for name in unknown})
        return super().validate(attrs)


class ErrorExtraSerializer(serializers.Serializer):
    """The details of an error; other keys than these may be present (current_version, warnings, limit, ...)."""

    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_(
            "Invalid fields: each field's name (a dotted path inside nested objects and lists, such as "
            '"person.names.0.name"; "non_field_errors" for the request as a whole) maps to its messages.'
        ),
    )
    wait_seconds = serializers.IntegerField(required=False, allow_null=True, help_text=_("429: when to try again."))


class ErrorSerializer(serializers.Serializer):
    """{"code", "message", "extra"}: the body of every 4xx answer (documentation only)."""

    code = serializers.CharField(help_text=_("Stable, for programs: not_found, invalid, conflict, ..."))
    message = serializers.CharField(help_text=_("Translated, for people."))
    extra = ErrorExtraSerializer(help_text=_("Details; `fields` maps invalid fields to their messages."))
