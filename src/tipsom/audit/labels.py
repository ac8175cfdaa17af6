"""The audit log in words: each action's label (tipsom.core.labels; the codes stay what is stored and hashed)
and a readable name for each event's object (a case number, a user's name), through the registry: audit is a low
layer and imports no app above it. Cases and referrals add their object labels (`audit_object_labels`); any app
may add or override action labels (`audit_actions`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.translation import pgettext_lazy

from tipsom.core.labels import AUDIT_ACTIONS, audit_action_label
from tipsom.core.registry import registry

# The words of every action (tipsom.core.labels, shared with the role screens and a user's history); an app's own
# registration in `audit_actions` comes first.
ACTIONS: dict[str, Any] = AUDIT_ACTIONS


# An action in words: the registered label, else AUDIT_ACTIONS, else the code made readable ("Case: foo bar").
action_label = audit_action_label


def actions_matching(words: str) -> list[str]:
    """The action codes whose label (in the current language) or code contains every one of the words."""
    terms = words.casefold().split()
    known = {**ACTIONS, **registry["audit_actions"]}
    return [code for code, label in known.items() if all(t in f"{label} {code}".casefold() for t in terms)]


def action_choices() -> list[tuple[str, str]]:
    """Every known action in words, sorted by its label (for the screen's action list)."""
    known = {**ACTIONS, **registry["audit_actions"]}
    return sorted(((code, str(label)) for code, label in known.items()), key=lambda pair: pair[1].casefold())


def _user_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    users = get_user_model().objects.filter(pk__in=[i for i in ids if i.isdigit()])
    return {str(user.pk): (getattr(user, "full_name", "") or user.get_username(), "") for user in users}


def _user_find(text: str) -> list[str]:
    users = get_user_model().objects.filter(username__iexact=text.strip()) | get_user_model().objects.filter(
        full_name__icontains=text.strip()
    )
    return [str(pk) for pk in users.values_list("pk", flat=True)[:200]]


def _organization_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    model = apps.get_model("organizations", "Organization")
    rows = model.objects.filter(pk__in=[i for i in ids if i.isdigit()]).values_list("pk", "name")
    return {str(pk): (name, "") for pk, name in rows}


def _organization_find(text: str) -> list[str]:
    model = apps.get_model("organizations", "Organization")
    return [str(pk) for pk in model.objects.filter(name__icontains=text.strip()).values_list("pk", flat=True)[:200]]


# Users and organizations are below audit's callers but above audit itself: named through Django's app registry.
BUILT_IN: dict[str, tuple[Any, Any]] = {
    "accounts.user": (_user_labels, _user_find),
    "organizations.organization": (_organization_labels, _organization_find),
}


def _labeller(object_type: str) -> tuple[Any, Any] | None:
    entry = registry["audit_object_labels"].get(object_type)
    if entry is not None:
        return entry.labels, entry.find
    return BUILT_IN.get(object_type)


def _type_name(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return object_type


def label_events(events: Iterable[Any]) -> None:
    """Give each event `action_label`, `object_label` and `object_url`: one query per object type on the page."""
    events = list(events)
    wanted: dict[str, list[str]] = defaultdict(list)
    for event in events:
        if event.object_type and event.object_id:
            wanted[event.object_type].append(event.object_id)
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for object_type, ids in wanted.items():
        labeller = _labeller(object_type)
        if labeller is not None:
            found.update({(object_type, key): value for key, value in labeller[0](sorted(set(ids))).items()})
    for event in events:
        event.action_label = action_label(event.action)
        if not event.object_type:
            event.object_label, event.object_url = "", ""
            continue
        fallback = pgettext_lazy("audit object", "%(type)s %(id)s") % {
            "type": _type_name(event.object_type),
            "id": event.object_id,
        }
        event.object_label, event.object_url = found.get((event.object_type, event.object_id), (fallback, ""))


def objects_matching(text: str) -> dict[str, list[str]]:
    """{object type: ids} of the objects whose readable name matches `text` (a case number, a user's name)."""
    types = set(registry["audit_object_labels"]) | set(BUILT_IN)
    matches: dict[str, list[str]] = {}
    for object_type in sorted(types):
        labeller = _labeller(object_type)
        if labeller is not None and labeller[1] is not None:
            ids = labeller[1](text)
            if ids:
                matches[object_type] = ids
    return matches
