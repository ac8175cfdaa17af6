"""`audit_action` and `permission_action`: codes in words (core.labels), e.g. `{{ event.action|audit_action }}`."""

from django import template

from tipsom.core.labels import audit_action_label, permission_action_label

register = template.Library()


@register.filter
def audit_action(action: str) -> str:
    return audit_action_label(str(action or ""))


@register.filter
def permission_action(action: str) -> str:
    return permission_action_label(str(action or ""))
