"""Words for codes that screens would otherwise show raw: the actions of permissions and the audit log's actions.

Core sits below every app, so the audit screen (audit), the role screens (accounts) and a user's history can all
read them. An app that adds an audit action adds its words here (or registers them in the `audit_actions` store).
Templates use the filters `permission_action` and `audit_action` of `{% load tipsom_labels %}`.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from tipsom.core.locale_names import sorted_by_label
from tipsom.core.registry import registry

# What a permission allows (ObjectPermission.actions).
PERMISSION_ACTIONS: dict[str, Promise] = {
    "view": pgettext_lazy("permission action", "see"),
    "add": pgettext_lazy("permission action", "add"),
    "change": pgettext_lazy("permission action", "change"),
    "approve": pgettext_lazy("permission action", "approve"),
    "reveal": pgettext_lazy("permission action", "reveal identities"),
    "export": pgettext_lazy("permission action", "export"),
}

# The actions the audit log records (AuditEvent.action), as a sentence without its subject.
AUDIT_ACTIONS: dict[str, Promise] = {
    "reveal": pgettext_lazy("audit action", "Identifying data revealed"),
    "auth.login": pgettext_lazy("audit action", "Signed in"),
    "auth.login_failed": pgettext_lazy("audit action", "Sign-in failed"),
    "auth.login_refused": pgettext_lazy("audit action", "Sign-in refused"),
    "auth.logout": pgettext_lazy("audit action", "Signed out"),
    "auth.2fa_enrolled": pgettext_lazy("audit action", "Second factor set up"),
    "auth.2fa_failed": pgettext_lazy("audit action", "Second-factor code refused"),
    "api_token.create": pgettext_lazy("audit action", "API token created"),
    "api_token.revoke": pgettext_lazy("audit action", "API token revoked"),
    "user.create": pgettext_lazy("audit action", "User created"),
    "user.update": pgettext_lazy("audit action", "User changed"),
    "user.permissions_change": pgettext_lazy("audit action", "User's roles changed"),
    "user.password_change": pgettext_lazy("audit action", "Password changed"),
    "user.2fa_reset": pgettext_lazy("audit action", "Second factor reset"),
    "organization.create": pgettext_lazy("audit action", "Organization registered"),
    "organization.update": pgettext_lazy("audit action", "Organization changed"),
    "person.create": pgettext_lazy("audit action", "Person registered"),
    "person.update": pgettext_lazy("audit action", "Person changed"),
    "person.reindex": pgettext_lazy("audit action", "Search keys rebuilt"),
    "case.create": pgettext_lazy("audit action", "Case registered"),
    "case.update": pgettext_lazy("audit action", "Case changed"),
    "case.team": pgettext_lazy("audit action", "Case team changed"),
    "case.status": pgettext_lazy("audit action", "Case status changed"),
    "case.status_decision": pgettext_lazy("audit action", "Status decision recorded"),
    "case.status_decision_review": pgettext_lazy("audit action", "Status decision reviewed"),
    "case.close": pgettext_lazy("audit action", "Case closed"),
    "case.close_request": pgettext_lazy("audit action", "Case closure requested"),
    "case.close_review": pgettext_lazy("audit action", "Case closure reviewed"),
    "case.reopen": pgettext_lazy("audit action", "Case reopened"),
    "case.consent": pgettext_lazy("audit action", "Consent recorded"),
    "case.event_add": pgettext_lazy("audit action", "Trafficking event added"),
    "case.assessment_add": pgettext_lazy("audit action", "Assessment added"),
    "case.plan_add": pgettext_lazy("audit action", "Support plan item added"),
    "case.plan_status": pgettext_lazy("audit action", "Support plan item updated"),
    "case.service_add": pgettext_lazy("audit action", "Service delivered recorded"),
    "case.task_add": pgettext_lazy("audit action", "Task added"),
    "case.task_done": pgettext_lazy("audit action", "Task done"),
    "case.journal_add": pgettext_lazy("audit action", "Journal entry added"),
    "case.attachment_add": pgettext_lazy("audit action", "Attachment added"),
    "case.attachment_download": pgettext_lazy("audit action", "Attachment downloaded"),
    "case.child_update": pgettext_lazy("audit action", "Child track updated"),
    "case.child_notify": pgettext_lazy("audit action", "Child protection agency notified"),
    "case.bulk_import": pgettext_lazy("audit action", "Cases imported"),
    "case.bulk_work": pgettext_lazy("audit action", "Case work imported"),
    "case.transfer_request": pgettext_lazy("audit action", "Case transfer requested"),
    "case.transfer": pgettext_lazy("audit action", "Case transferred"),
    "case.transfer_decline": pgettext_lazy("audit action", "Case transfer declined"),
    "case.transfer_cancel": pgettext_lazy("audit action", "Case transfer cancelled"),
    "referral.send": pgettext_lazy("audit action", "Referral sent"),
    "referral.consent_override": pgettext_lazy("audit action", "Referral sent without consent (emergency)"),
    "referral.access": pgettext_lazy("audit action", "Referred information opened"),
    "referral.accept": pgettext_lazy("audit action", "Referral accepted"),
    "referral.decline": pgettext_lazy("audit action", "Referral declined"),
    "referral.start": pgettext_lazy("audit action", "Referral service started"),
    "referral.complete": pgettext_lazy("audit action", "Referral completed"),
    "referral.revoke": pgettext_lazy("audit action", "Referral withdrawn"),
    "referral.expire": pgettext_lazy("audit action", "Referral expired"),
    "referral.overdue": pgettext_lazy("audit action", "Referral overdue"),
    "referral.letter": pgettext_lazy("audit action", "Referral letter printed"),
    "referral.case_register": pgettext_lazy("audit action", "Case registered from a referral"),
    "referral.bulk_import": pgettext_lazy("audit action", "Referrals imported"),
    "referral.bundle_export": pgettext_lazy("audit action", "Referral sent abroad"),
    "referral.bundle_import": pgettext_lazy("audit action", "Referral from abroad imported"),
    "service.create": pgettext_lazy("audit action", "Service listed"),
    "service.update": pgettext_lazy("audit action", "Service changed"),
    "service.capacity": pgettext_lazy("audit action", "Free places updated"),
    "pathway.create": pgettext_lazy("audit action", "Pathway created"),
    "pathway.update": pgettext_lazy("audit action", "Pathway changed"),
    "pathway.deactivate": pgettext_lazy("audit action", "Pathway deactivated"),
    "response_time.set": pgettext_lazy("audit action", "Response time set"),
    "exchange_key.create": pgettext_lazy("audit action", "Exchange key created"),
    "exchange_peer.add": pgettext_lazy("audit action", "Partner country added"),
    "keys.rotate": pgettext_lazy("audit action", "Encryption key rotated"),
    "keys.reencrypt": pgettext_lazy("audit action", "Data re-encrypted"),
    "notifications.digest": pgettext_lazy("audit action", "Daily digest sent"),
    "justice.case.create": pgettext_lazy("audit action", "Criminal case recorded"),
    "justice.case.update": pgettext_lazy("audit action", "Criminal case changed"),
    "justice.offence.add": pgettext_lazy("audit action", "Offence recorded"),
    "justice.offence.update": pgettext_lazy("audit action", "Offence changed"),
    "justice.offence.remove": pgettext_lazy("audit action", "Offence removed"),
    "justice.suspect.add": pgettext_lazy("audit action", "Suspect added to a criminal case"),
    "justice.suspect.update": pgettext_lazy("audit action", "Suspect changed"),
    "justice.suspect.remove": pgettext_lazy("audit action", "Suspect removed from a criminal case"),
    "justice.suspect.reveal": pgettext_lazy("audit action", "Suspect's identity revealed"),
    "justice.group.create": pgettext_lazy("audit action", "Organised criminal group recorded"),
    "justice.group.update": pgettext_lazy("audit action", "Organised criminal group changed"),
    "justice.victim.add": pgettext_lazy("audit action", "Victim linked to a criminal case"),
    "justice.victim.update": pgettext_lazy("audit action", "Victim in the proceedings changed"),
    "justice.victim.remove": pgettext_lazy("audit action", "Victim unlinked from a criminal case"),
    "justice.victim.relation": pgettext_lazy("audit action", "Relationship to a victim recorded"),
    "justice.victim.relation_remove": pgettext_lazy("audit action", "Relationship to a victim removed"),
    "justice.hearing.add": pgettext_lazy("audit action", "Hearing scheduled"),
    "justice.hearing.update": pgettext_lazy("audit action", "Hearing changed"),
    "justice.hearing.cancel": pgettext_lazy("audit action", "Hearing cancelled"),
    "justice.cooperation.create": pgettext_lazy("audit action", "Cooperation request recorded"),
    "justice.cooperation.update": pgettext_lazy("audit action", "Cooperation request changed"),
    "justice.incident.create": pgettext_lazy("audit action", "Smuggling incident recorded"),
    "justice.incident.update": pgettext_lazy("audit action", "Smuggling incident changed"),
    "justice.provision.create": pgettext_lazy("audit action", "Legal provision added"),
    "justice.provision.update": pgettext_lazy("audit action", "Legal provision changed"),
    "justice.provision.deactivate": pgettext_lazy("audit action", "Legal provision deactivated"),
    "justice.provision.seed": pgettext_lazy("audit action", "Legal provisions loaded"),
    "demo.load": pgettext_lazy("audit action", "Demo data loaded"),
    "demo.seed": pgettext_lazy("audit action", "Demo data generated"),
    "demo.cases": pgettext_lazy("audit action", "Demo cases loaded"),
    "demo.referrals": pgettext_lazy("audit action", "Demo referrals loaded"),
    "demo.justice": pgettext_lazy("audit action", "Demo criminal cases loaded"),
    "justice.suspect.formal_contact": pgettext_lazy("audit action", "Formal contact recorded"),
    "justice.case.investigation_close": pgettext_lazy("audit action", "Investigation closed"),
    "justice.case.conclude": pgettext_lazy("audit action", "Criminal case concluded"),
    "justice.charge.add": pgettext_lazy("audit action", "Charge added"),
    "justice.charge.withdraw": pgettext_lazy("audit action", "Charge withdrawn"),
    "justice.decision.record": pgettext_lazy("audit action", "Court decision recorded"),
    "justice.decision.remove": pgettext_lazy("audit action", "Court decision removed as a mistake"),
    "justice.brief.export": pgettext_lazy("audit action", "Case brief exported"),
    "justice.brief.summary": pgettext_lazy("audit action", "Case brief summary written"),
}


def permission_action_label(action: str) -> str:
    """A permission's action in words ("reveal" -> "reveal identities"); the code itself when unknown."""
    label = PERMISSION_ACTIONS.get(action)
    return str(label) if label is not None else action


def audit_action_label(action: str) -> str:
    """An audit event's action in words ("referral.send" -> "Referral sent"): an app's registration in the
    `audit_actions` registry store first, then AUDIT_ACTIONS, else the code made readable ("x.foo_bar" ->
    "X: foo bar"), as the audit screen (audit.labels) shows it."""
    label = registry["audit_actions"].get(action) or AUDIT_ACTIONS.get(action)
    if label is not None:
        return str(label)
    subject, _dot, verb = action.partition(".")
    readable = subject.replace("_", " ").capitalize()
    return f"{readable}: {verb.replace('_', ' ')}" if verb else readable


def audit_action_choices() -> list[tuple[str, str]]:
    """(code, words) of every known audit action, in the order of the words in the active language (for a filter)."""
    return sorted_by_label((code, str(label)) for code, label in AUDIT_ACTIONS.items())
