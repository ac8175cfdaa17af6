"""What a referral shares: the sections of a case, built as plain data for the receiver's screen, the API, the
referral letter and the transnational bundle. Only the sections the sender chose are ever read."""

from __future__ import annotations

from typing import Any

from tipsom.cases.models import Case
from tipsom.referrals.models import Section, ServiceType

# What a referral of each type needs to be of use, beyond the profile; the send form starts from this.
MINIMUM_SECTIONS: dict[str, tuple[Section, ...]] = {
    ServiceType.SHELTER: (Section.IDENTITY,),
    ServiceType.MEDICAL: (Section.IDENTITY,),
    ServiceType.PSYCHOSOCIAL: (Section.IDENTITY,),
    ServiceType.LEGAL_AID: (Section.IDENTITY, Section.EXPLOITATION),
    ServiceType.INTERPRETATION: (),
    ServiceType.CHILD_PROTECTION: (Section.IDENTITY, Section.CHILD),
    ServiceType.RETURN_REINTEGRATION: (Section.IDENTITY, Section.CONTACT),
    ServiceType.EDUCATION: (Section.IDENTITY,),
    ServiceType.LIVELIHOOD: (Section.IDENTITY,),
    ServiceType.CONSULAR: (Section.IDENTITY,),
    ServiceType.HELPLINE: (),
}
ORDER = [section.value for section in Section]


def minimum_sections(service_type: str) -> list[str]:
    return [Section.PROFILE.value, *(s.value for s in MINIMUM_SECTIONS.get(service_type, ()))]


def normalise_sections(sections: Any) -> list[str] | None:
    """The chosen sections in a fixed order, the profile always among them; None when one is unknown."""
    if isinstance(sections, str):
        sections = [sections]
    if not isinstance(sections, list | tuple) or not all(isinstance(s, str) for s in sections):
        return None
    if set(sections) - set(ORDER):
        return None
    chosen = {Section.PROFILE.value, *sections}
    return [s for s in ORDER if s in chosen]


def age_range(case: Case) -> tuple[int | None, int | None]:
    """The person's youngest and oldest possible age today: the ages the directory's eligibility reads
    (selectors.directory.case_profile), so the receiver sees the profile the service was matched on."""
    from tipsom.referrals.selectors.directory import case_profile

    profile = case_profile(case)
    return profile.youngest, profile.oldest


def _profile(case: Case) -> dict[str, Any]:
    person = case.person
    youngest, oldest = age_range(case)
    return {
        "case_type": case.case_type,
        "is_child": case.is_child,
        "gender": person.gender,
        "age_min": youngest,
        "age_max": oldest,
        "citizenships": list(person.citizenships),
        "languages": list(person.languages),
        "region": case.region,
        "identified_on": case.identified_on.isoformat(),
    }


def _identity(case: Case) -> dict[str, Any]:
    person = case.person
    return {
        "names": [
            {"kind": name.kind, "name": name.name, "name_latin": name.name_latin, "script": name.script}
            for name in person.names.all()
        ],
        "birth_date": person.birth_date,
        "birth_date_precision": person.birth_date_precision,
    }


def _contact(case: Case) -> dict[str, Any]:
    return {"contacts": [{"kind": c.kind, "value": c.value} for c in case.person.contacts.all()]}


def _exploitation(case: Case) -> dict[str, Any]:
    return {
        "exploitation_types": list(case.exploitation_types),
        "industries": list(case.industries),
        "means_of_control": list(case.means_of_control),
        "origin_country": case.origin_country,
        "transit_countries": list(case.transit_countries),
        "destination_country": case.destination_country,
        "events": [
            {
                "event_type": event.event_type,
                "country": event.country,
                "start_date": event.start_date.isoformat() if event.start_date else None,
                "end_date": event.end_date.isoformat() if event.end_date else None,
            }
            for event in case.events.all()
        ],
    }


def _needs(case: Case) -> dict[str, Any]:
    return {
        "assessments": [
            {"kind": a.kind, "assessed_on": a.assessed_on.isoformat(), "level": a.level, "needs": list(a.needs)}
            for a in case.assessments.all()
        ]
    }


def _plan(case: Case) -> dict[str, Any]:
    return {
        "plan": [
            {
                "support_type": item.support_type,
                "status": item.status,
                "target_date": item.target_date.isoformat() if item.target_date else None,
            }
            for item in case.plan_items.all()
        ],
        "services": [
            {
                "support_type": s.support_type,
                "delivered_on": s.delivered_on.isoformat(),
                "provider": s.provider.name,
                "outcome": s.outcome,
            }
            for s in case.services.select_related("provider")
        ],
    }


def _child(case: Case) -> dict[str, Any]:
    track = getattr(case, "child_protection", None) if case.is_child else None
    if track is None:
        return {}
    return {
        "guardian_name": track.guardian_name,
        "guardian_organization": track.guardian_organization.name if track.guardian_organization_id else "",
        "guardian_appointed_on": track.guardian_appointed_on.isoformat() if track.guardian_appointed_on else None,
        "best_interests": track.best_interests,
        "family_tracing": track.family_tracing,
        "age_assessment": track.age_assessment,
    }


_BUILDERS = {
    Section.PROFILE: _profile,
    Section.IDENTITY: _identity,
    Section.CONTACT: _contact,
    Section.EXPLOITATION: _exploitation,
    Section.NEEDS: _needs,
    Section.PLAN: _plan,
    Section.CHILD: _child,
}


def build_sections(case: Case, sections: list[str]) -> dict[str, Any]:
    """{section: data} for the chosen sections only; nothing else of the case is read."""
    return {section: _BUILDERS[Section(section)](case) for section in sections if section in _BUILDERS}
