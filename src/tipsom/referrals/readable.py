"""The shared sections of a case in words: every code through its code list's label, every country, region and
language by its name in the active language. One definition for the receiver's screen, the pre-answer profile
and the printed letter, so none of them ever shows a raw code."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from tipsom.core.codes import code_label
from tipsom.organizations import geography
from tipsom.referrals.models import Section


def _labels(list_name: str, codes: list[str]) -> str:
    return ", ".join(code_label(list_name, code) for code in codes if code) or "—"


def _countries(codes: list[str]) -> str:
    return ", ".join(geography.country_name(code) for code in codes if code) or "—"


def _languages(codes: list[str]) -> str:
    from tipsom.core.locale_names import language_name

    return ", ".join(language_name(code) for code in codes if code) or "—"


def _date(value: Any) -> str:
    """An ISO date (as the sections carry it) in the active language's short date format; a partial date (a birth
    year, a year and month) as it is."""
    if not value:
        return "—"
    try:
        return formats.date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)


def _choice(choices: Any, value: Any) -> str:
    if not value:
        return "—"
    return str(dict(choices).get(value, "—"))


def _yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


def age_text(profile: dict[str, Any]) -> str:
    """The person's age as a range ("15–17"), or one age when the birth date is known."""
    low, high = profile.get("age_min"), profile.get("age_max")
    if low is None and high is None:
        return "—"
    if low == high or high is None:
        return str(low)
    if low is None:
        return str(high)
    return f"{low}–{high}"


def profile_facts(data: dict[str, Any], *, brief: bool = False) -> list[tuple[str, str]]:
    """The profile as (label, value) pairs. `brief`: what the receiver sees before answering (type of case, child,
    sex, age range, citizenship, languages): no region nor date, nothing that could point to the person."""
    from tipsom.cases.models import CaseType

    facts = [
        (_("Type of case"), _choice(CaseType.choices, data.get("case_type"))),
        (_("Child"), _yes_no(data.get("is_child"))),
        (_("Sex"), code_label("prs_Gender", data["gender"]) if data.get("gender") else "—"),
        (_("Age"), age_text(data)),
        (_("Citizenship"), _countries(data.get("citizenships") or [])),
        (_("Languages"), _languages(data.get("languages") or [])),
    ]
    if not brief:
        region = data.get("region") or ""
        facts += [
            (_("Region"), geography.region_name(region[:2], region) if region else "—"),
            (_("Identified on"), _date(data.get("identified_on"))),
        ]
    return facts


def readable_sections(sections: dict[str, Any]) -> list[dict[str, Any]]:
    """The shared sections for people: titles, labelled codes, names as written (the template marks them
    dir="auto"). Only the sections present are returned: what was not shared is simply absent.

    Each entry: key, title, facts [(label, value)], and as the section has them: names [{kind, name, latin}],
    contacts [{kind, value}], guardian, columns and rows (a table)."""
    from tipsom.cases.models import Assessment, ChildProtection, ServiceDelivery, SupportPlanItem
    from tipsom.people.models import BirthDatePrecision, PersonContact, PersonName

    readable: list[dict[str, Any]] = []
    for key in Section.values:
        if key not in sections:
            continue
        data = sections[key] or {}
        entry: dict[str, Any] = {"key": key, "title": str(Section(key).label), "facts": [], "rows": []}
        if key == Section.PROFILE:
            entry["facts"] = profile_facts(data)
        elif key == Section.IDENTITY:
            kinds = dict(PersonName.Kind.choices)
            entry["names"] = [
                {
                    "kind": str(kinds.get(n.get("kind"), _("Name"))),
                    "name": n.get("name") or "",
                    "latin": n.get("name_latin") or "",
                }
                for n in data.get("names", [])
            ]
            born = data.get("birth_date")
            precision = _choice(BirthDatePrecision.choices, data.get("birth_date_precision"))
            entry["facts"] = [
                (_("Date of birth"), f"{_date(born)} ({precision})" if born and precision != "—" else _date(born))
            ]
        elif key == Section.CONTACT:
            kinds = dict(PersonContact.Kind.choices)
            entry["contacts"] = [
                {"kind": str(kinds.get(c.get("kind"), _("Contact"))), "value": c.get("value") or ""}
                for c in data.get("contacts", [])
            ]
        elif key == Section.EXPLOITATION:
            entry["facts"] = [
                (_("Forms of exploitation"), _labels("vic_TypeOfExploitation", data.get("exploitation_types") or [])),
                (_("Industries"), _labels("vic_ForcedLabourIndustry", data.get("industries") or [])),
                (_("Means of control"), _labels("vic_MethodsOfControl", data.get("means_of_control") or [])),
                (_("Country of origin"), _countries([data.get("origin_country") or ""])),
                (_("Transit countries"), _countries(data.get("transit_countries") or [])),
                (_("Country of destination"), _countries([data.get("destination_country") or ""])),
            ]
            entry["rows"] = [
                (
                    code_label("hte_Type", e.get("event_type")) if e.get("event_type") else "—",
                    geography.country_name(e.get("country") or "") if e.get("country") else "—",
                    _date(e.get("start_date")),
                    _date(e.get("end_date")),
                )
                for e in data.get("events", [])
            ]
            entry["columns"] = [_("Event"), _("Country"), _("From"), _("To")]
        elif key == Section.NEEDS:
            entry["rows"] = [
                (
                    _date(a.get("assessed_on")),
                    _choice(Assessment.Kind.choices, a.get("kind")),
                    _choice(Assessment.Level.choices, a.get("level")),
                    _labels("spl_Type", a.get("needs") or []),
                )
                for a in data.get("assessments", [])
            ]
            entry["columns"] = [_("Assessed on"), _("Kind"), _("Level"), _("Needs")]
        elif key == Section.PLAN:
            entry["rows"] = [
                (
                    code_label("spl_Type", p.get("support_type")) if p.get("support_type") else "—",
                    _("Planned"),
                    _choice(SupportPlanItem.Status.choices, p.get("status")),
                    _date(p.get("target_date")),
                )
                for p in data.get("plan", [])
            ] + [
                (
                    code_label("spl_Type", s.get("support_type")) if s.get("support_type") else "—",
                    _("Delivered"),
                    _choice(ServiceDelivery.Outcome.choices, s.get("outcome")),
                    _date(s.get("delivered_on")),
                )
                for s in data.get("services", [])
            ]
            entry["columns"] = [_("Type of support"), _("Kind"), _("Status"), _("Date")]
        elif key == Section.CHILD:
            entry["guardian"] = data.get("guardian_name") or ""
            entry["facts"] = [
                (_("Guardian's organization"), data.get("guardian_organization") or "—"),
                (_("Guardian appointed on"), _date(data.get("guardian_appointed_on"))),
                (
                    _("Best-interests assessment"),
                    _choice(ChildProtection.Assessment.choices, data.get("best_interests")),
                ),
                (_("Family tracing"), _choice(ChildProtection.Tracing.choices, data.get("family_tracing"))),
                (_("Age assessment"), _choice(ChildProtection.AgeAssessment.choices, data.get("age_assessment"))),
            ]
        readable.append(entry)
    return readable
