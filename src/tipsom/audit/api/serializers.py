"""Audit event payloads (read-only: nothing edits the log)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import serializers

from tipsom.audit.models import AuditEvent

if TYPE_CHECKING:
    from tipsom.accounts.models import User


class AuditEventSerializer(serializers.ModelSerializer):
    actor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "sequence",
            "created_at",
            "actor",
            "actor_label",
            "organization",
            "action",
            "object_type",
            "object_id",
            "changes",
            "reason",
            "request_id",
            "channel",
            "ip",
            "version",
            "hash",
            "position",
            "chain_hash",
            "prev_hash",
        ]
        read_only_fields = fields
