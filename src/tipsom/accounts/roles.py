"""The seeded roles and permissions (accounts/data/roles.json), synchronised by migrations.

Later features add permissions to the JSON and a migration that calls `sync_seeded_roles` again. A role an
administrator created stays untouched; a seeded role's permissions are reset to the seed."""

import json
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

SEED_FILE = Path(__file__).parent / "data" / "roles.json"


def load_seed() -> dict[str, Any]:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def sync_seeded_roles(apps: Any, schema_editor: Any = None) -> None:
    permission_model = apps.get_model("accounts", "ObjectPermission")
    role_model = apps.get_model("accounts", "Role")
    seed = load_seed()
    permissions = {}
    for item in seed["permissions"]:
        permission, _ = permission_model.objects.update_or_create(
            name=item["name"],
            defaults={
                "description": item["description"],
                "object_types": item["object_types"],
                "actions": item["actions"],
                "scope": item["scope"],
            },
        )
        permissions[item["name"]] = permission
    for item in seed["roles"]:
        role, _ = role_model.objects.update_or_create(
            slug=item["slug"],
            defaults={"name": item["name"], "description": item["description"], "requires_2fa": item["requires_2fa"]},
        )
        role.permissions.set([permissions[name] for name in item["permissions"]])


# Translated labels of the seeded roles (their rows hold the English text; a role an administrator created shows
# its own name).
SEEDED_ROLE_TEXT = {
    "system_administrator": (
        _("System administrator"),
        _("Manages users, roles and organizations."),
    ),
    "national_coordinator": (
        _("National coordinator"),
        _("Coordinates the national response; sees national statistics and pseudonymised lists."),
    ),
    "case_manager": (
        _("Case manager"),
        _("Manages victims' cases, support plans and referrals for their organization."),
    ),
    "frontline_identifier": (
        _("Frontline identifier"),
        _("Screens and registers presumed victims (labour inspectors, police, border guards, health workers)."),
    ),
    "child_protection_officer": (
        _("Child protection officer"),
        _("Leads the child-victim track: guardianship, best-interests assessment, family tracing."),
    ),
    "case_supervisor": (
        _("Case supervisor"),
        _("Supervises case work: approves victim status decisions and case closures."),
    ),
    "helpline_operator": (
        _("Helpline operator"),
        _("Takes helpline contacts and tips, opens cases from them with consent and refers them on."),
    ),
    "helpline_supervisor": (
        _("Helpline supervisor"),
        _(
            "Runs the helpline: assigns contacts, reviews a sample for quality, blocks abusive numbers and follows "
            "the helpline's statistics."
        ),
    ),
    "investigator": (
        _("Investigator"),
        _("Records offences, investigations, suspects and smuggling incidents."),
    ),
    "prosecutor": (
        _("Prosecutor"),
        _("Records charges, prosecutions and court decisions, and exports anonymised case briefs."),
    ),
    "judiciary_liaison": (
        _("Judiciary liaison"),
        _("Records the court decisions and sentences of the cases before their court."),
    ),
    "national_rapporteur": (
        _("National rapporteur"),
        _("Reports on the national response: national justice statistics and anonymised case briefs, no identities."),
    ),
    "me_officer": (
        _("M&E officer"),
        _("Monitors the programme: trainings, campaigns, indicators and grants."),
    ),
    "auditor": (
        _("Auditor"),
        _("Checks who did what: searches the audit log and verifies its chain."),
    ),
    "registry_reviewer": (
        _("Registry reviewer"),
        _("Reviews possible duplicate persons registered by several agencies, merges them and undoes merges."),
    ),
    "programme_manager": (
        _("Programme manager"),
        _("Follows the programme in every country: activities, indicators, grants and reports; never case identities."),
    ),
    "implementing_partner": (
        _("Implementing partner"),
        _("Reports its own activities, training rosters, grant reports and expenditure."),
    ),
}

# Translated descriptions of the seeded permissions.
SEEDED_PERMISSION_TEXT = {
    "directory.view.national": _("See the organizations of the country"),
    "organizations.admin.national": _("Register and change the country's organizations"),
    "users.admin.national": _("Create, change and deactivate the country's users"),
    "users.view.national": _("See the country's users"),
    "users.view.organization": _("See colleagues in my organization"),
    "users.view.own": _("See my own account"),
    "audit.view.national": _("Search the country's audit log"),
    "people.manage.organization": _("Register, change and reveal the persons of my organization"),
    "people.view.national": _("See the country's persons"),
    "cases.manage.organization": _(
        "Register and work on the cases of my organization and of cases it is on the team of"
    ),
    "cases.approve.organization": _("Approve status decisions and closures of my organization's cases"),
    "cases.view.national": _("See the country's cases, without identities"),
    "services.manage.organization": _("List my organization's services and keep their free places up to date"),
    "nrm.admin.national": _("Configure the country's referral mechanism: services, pathways and response times"),
    "referrals.manage.organization": _("Send, answer and follow referrals and transfers of my organization's cases"),
    "referrals.view.national": _("See the country's referrals and their statistics, without case data"),
    "laws.view.national": _("See the country's laws on trafficking and smuggling"),
    "laws.admin.national": _("Keep the country's laws on trafficking and smuggling up to date"),
    "justice.manage.organization": _(
        "Record and work on the criminal cases, groups and smuggling incidents of my organization and of the cases "
        "it investigates, prosecutes or tries"
    ),
    "justice.decisions.organization": _(
        "Record court decisions and sentences in the criminal cases of my organization"
    ),
    "justice.decisions.view.organization": _("See the court decisions of the criminal cases of my organization"),
    "justice.view.organization": _("See the criminal cases of my organization"),
    "justice.brief.organization": _("Export anonymised briefs of my organization's concluded criminal cases"),
    "justice.view.national": _("See the country's criminal cases and smuggling incidents, without identities"),
    "justice.brief.national": _("Export anonymised briefs of the country's concluded criminal cases"),
    "matching.review.national": _("Review possible duplicates among the country's persons, merge them and undo merges"),
    "helpline.contacts.organization": _(
        "Record and work on the helpline contacts of my organization, with the callers' details"
    ),
    "helpline.supervise.organization": _(
        "Supervise my organization's helpline: assign contacts, review a sample for quality, block numbers for "
        "longer, see its statistics"
    ),
    "helpline.stats.national": _("See the country's helpline statistics, without any contact"),
    "intake.submissions.organization": _(
        "Review the field submissions of my organization: accept, merge or reject them"
    ),
    "intake.imports.organization": _(
        "Import registers of past cases and exports of field submissions for my organization"
    ),
    "matching.requests.organization": _(
        "Ask other organizations for access to a person they registered, and answer their requests"
    ),
    "stats.view.national": _("See and export the country's statistics, protected for publication"),
    "stats.import.national": _("Import external datasets (CTDC) to compare the country with"),
    "stats.htcds.national": _("Export the country's cases in HTCDS, without identities"),
    "stats.htcds.organization": _("Export my organization's cases in HTCDS, without identities"),
    "stats.identities.organization": _("Include the identities of my organization's persons in an HTCDS export"),
    "programme.view.national": _("See the country's programme: activities, participants, indicators and grants"),
    "programme.edit.national": _(
        "Record the country's activities, participants, indicator values and grants, and submit them for review"
    ),
    "programme.reveal.national": _("Reveal the names of the country's training participants"),
    "programme.approve.national": _(
        "Approve or return the country's indicator values and grant reports, and release tranches"
    ),
    "programme.view.global": _("See every country's programme data (never case identities)"),
    "programme.framework.global": _("Shape the results framework: outcomes, outputs and indicators"),
    "programme.partner.organization": _("Report my organization's activities, rosters, grant reports and expenditure"),
    "programme.grants.organization": _("See my organization's grants and the programme's results framework"),
    "programme.roster.organization": _("Reveal the names on my organization's training rosters"),
}
