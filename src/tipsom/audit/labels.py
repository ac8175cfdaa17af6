"""The audit log in words: each action's label (the codes stay what is stored and hashed) and a readable name for
each event's object (a case number, a user's name), through the registry: audit is a low layer and imports no
app above it. Cases and referrals add their object labels (`audit_object_labels`); any app may add or override
action labels (`audit_actions`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tipsom.core.registry import registry

# The actions of the apps below and beside cases, and the common ones of cases and referrals; an app's own
# registration in `audit_actions` comes first.
ACTIONS: dict[str, Any] = {
    "reveal": _("Revealed identifying data"),
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Failed sign-in"),
    "auth.login_refused": _("Sign-in refused"),
    "auth.logout": _("Signed out"),
    "user.create": _("Created a user"),
    "user.update": _("Changed a user"),
    "user.password_change": _("Changed a password"),
    "user.permissions_change": _("Changed a user's permissions"),
    "api_token.create": _("Created an API token"),
    "api_token.revoke": _("Revoked an API token"),
    "organization.create": _("Created an organization"),
    "organization.update": _("Changed an organization"),
    "person.create": _("Registered a person"),
    "person.update": _("Changed a person's record"),
    "keys.rotate": _("Rotated the encryption keys"),
    "keys.reencrypt": _("Re-encrypted the data"),
    "exchange_key.create": _("Created an exchange key"),
    "exchange_peer.add": _("Added an exchange partner"),
    "notifications.digest": _("Sent the daily digest"),
    "demo.load": _("Loaded demo data"),
    "demo.seed": _("Loaded demo data"),
    "demo.cases": _("Loaded demo cases"),
    "demo.referrals": _("Loaded demo referrals"),
    "case.create": _("Registered a case"),
    "case.update": _("Changed a case"),
    "case.abroad": _("Recorded a case abroad"),
    "case.team": _("Changed a case's team"),
    "case.status": _("Changed a case's status"),
    "case.status_decision": _("Proposed a status decision"),
    "case.status_decision_review": _("Reviewed a status decision"),
    "case.close": _("Closed a case"),
    "case.close_request": _("Asked to close a case"),
    "case.close_review": _("Reviewed a closure"),
    "case.reopen": _("Reopened a case"),
    "case.consent": _("Recorded a consent"),
    "case.event_add": _("Added a trafficking event"),
    "case.assessment_add": _("Added an assessment"),
    "case.plan_add": _("Added to a care plan"),
    "case.plan_status": _("Changed a care plan item"),
    "case.service_add": _("Recorded a service"),
    "case.task_add": _("Added a task"),
    "case.task_done": _("Completed a task"),
    "case.journal_add": _("Wrote in a case journal"),
    "case.attachment_add": _("Attached a file"),
    "case.attachment_download": _("Downloaded an attachment"),
    "case.child_notify": _("Notified child protection"),
    "case.child_update": _("Changed the child track"),
    "case.transfer": _("Transferred a case"),
    "case.transfer_request": _("Asked to transfer a case"),
    "case.transfer_decline": _("Declined a case transfer"),
    "case.transfer_cancel": _("Cancelled a case transfer"),
    "case.bulk_import": _("Imported cases"),
    "case.bulk_work": _("Imported case work"),
    "case.visible_to_auditor": _("Opened a case to the auditors"),
    "referral.send": _("Sent a referral"),
    "referral.access": _("Opened a referral"),
    "referral.accept": _("Accepted a referral"),
    "referral.decline": _("Declined a referral"),
    "referral.start": _("Started a referred service"),
    "referral.complete": _("Completed a referral"),
    "referral.revoke": _("Withdrew a referral"),
    "referral.expire": _("A referral expired"),
    "referral.overdue": _("A referral became overdue"),
    "referral.letter": _("Printed a referral letter"),
    "referral.consent_override": _("Referred without consent"),
    "referral.case_register": _("Registered a case from a referral"),
    "referral.bulk_import": _("Imported referrals"),
    "referral.bundle_export": _("Exported a referral bundle"),
    "referral.bundle_import": _("Imported a referral bundle"),
    "service.create": _("Added a service"),
    "service.update": _("Changed a service"),
    "service.capacity": _("Changed a service's places"),
    "pathway.create": _("Created a referral pathway"),
    "pathway.update": _("Changed a referral pathway"),
    "pathway.deactivate": _("Ended a referral pathway"),
    "response_time.set": _("Set a response time"),
}


def action_label(code: str) -> str:
    """An action in words: the registered label, else the code made readable ("case.foo_bar": "Case: foo bar")."""
    label = registry["audit_actions"].get(code) or ACTIONS.get(code)
    if label is not None:
        return str(label)
    subject, _dot, verb = code.partition(".")
    readable = subject.replace("_", " ").capitalize()
    return f"{readable}: {verb.replace('_', ' ')}" if verb else readable


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
