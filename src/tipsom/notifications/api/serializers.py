"""Notification payloads: the message is rendered in the request's language; params are coded values only."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tipsom.notifications.kinds import render
from tipsom.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    message = serializers.SerializerMethodField(help_text="The message in the request's language.")
    params = serializers.DictField(
        child=serializers.JSONField(), read_only=True, help_text="Coded values the message is made from."
    )

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "params", "link", "created_at", "read_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_message(self, notification: Notification) -> str:
        return render(notification)
