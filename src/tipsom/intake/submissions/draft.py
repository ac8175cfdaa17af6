"""A submission's answers turned into the draft registration an identifier reviews, checked by the ordinary
services' own validators (people.services.person_fields_validate, cases' case_fields_validate,
screening_fields_validate and consent_row; core.validation's text rule for each name), never a copy of their rules.

The draft is what cases.services.case_register_complete takes:
    {"person": person_create fields, "case": case_register fields, "screening": {...}, "consents": [...]}
with dates as ISO text. Each problem names the file's column (its heading) and says why, never the value."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.cases.models import Case, Consent
from tipsom.cases.services.case import (
    case_fields_validate,
    earliest_birth,
    is_child_at,
    screening_fields_validate,
)
from tipsom.cases.services.parts import consent_row
from tipsom.core import validation as check
from tipsom.core.dates import BirthDateError, parse_birth_date
from tipsom.core.errors import ApplicationError
from tipsom.intake.forms_xls.questions import CHOICE_LISTS, list_label
from tipsom.intake.handlers import RowError, seal_value
from tipsom.intake.submissions.answers import QUESTIONS, Columns
from tipsom.people.models import Person
from tipsom.people.services import person_fields_validate

NAME_PARTS = ("prs_FirstName", "prs_MiddleName", "prs_SecondName")
# Lists whose accepted codes are named in full in a message; longer ones (countries, languages, regions) are named.
SHORT_LIST = 30
CONSENT_QUESTIONS = {
    Consent.Purpose.REFERRAL: "tipsom_ConsentReferral",
    Consent.Purpose.STATISTICS: "tipsom_ConsentStatistics",
    Consent.Purpose.FOLLOW_UP: "tipsom_ConsentFollowUp",
}
# The question behind each field a service names in its errors.
FIELD_QUESTIONS = {
    "names": "prs_FirstName",
    "gender": "prs_Gender",
    "citizenships": "prs_Citizenship",
    "languages": "prs_PrimaryLanguage",
    "is_presumed_minor": "tipsom_PresumedMinor",
    "case_type": "tipsom_CaseType",
    "identified_on": "tipsom_IdentifiedOn",
    "region": "tipsom_Region",
    "origin_country": "tipsom_OriginCountry",
    "transit_countries": "tipsom_TransitCountries",
    "destination_country": "tipsom_DestinationCountry",
    "exploitation_types": "vic_TypeOfExploitation",
    "industries": "vic_ForcedLabourIndustry",
    "sex_exploitation_types": "vic_TypeOfSexExploitation",
    "means_of_control": "vic_MethodsOfControl",
    "recruitment_methods": "vic_MethodOfRecruitment",
    "relationship_to_recruiter": "vic_RelationshipToTrafficker",
    "screening.screened_on": "tipsom_IdentifiedOn",
    "screening.acts": "tipsom_Acts",
    "screening.means": "vic_MethodsOfControl",
    "screening.purposes": "vic_TypeOfExploitation",
    "screening.som_vulnerabilities": "tipsom_SomVulnerabilities",
    "screening.notes": "cco_CaseComment",
    "given_by": "tipsom_ConsentGivenBy",
    "service_types": "spl_Type",
}


def choice_codes(country: str) -> dict[str, list[str]]:
    """The codes of each of the form's choice lists for a country (what a select question accepts)."""
    return {name: [str(code) for code, _label in source(country)] for name, source in CHOICE_LISTS.items()}


@dataclass
class Checked:
    """The draft of one submission and the problems found, each naming its column."""

    registration: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def add(self, column: str, code: str, message: str, **extra: Any) -> None:
        if any(error["column"] == column and error["message"] == message for error in self.errors):
            return
        error: RowError = {"column": column, "code": code, "message": str(message)}
        error.update(extra)  # type: ignore[typeddict-item]
        self.errors.append(error)


def _error_code(message: str) -> str:
    if message == _("This date is in the future.") or message == _("A birth date cannot be in the future."):
        return "future_date"
    if message == _("This field is required."):
        return "required"
    prefixes = (_("Unknown code: %(code)s."), _("Unknown codes: %(codes)s."), _("Unknown value: %(value)s."))
    if any(message.startswith(prefix.split("%")[0]) for prefix in prefixes):
        return "unknown_code"
    return "invalid"


class DraftBuilder:
    """Reads answers into drafts for one country (the choice lists' codes are looked up once)."""

    def __init__(self, country: str) -> None:
        self.country = country.upper()
        codes = choice_codes(self.country)
        self.codes = {name: frozenset(values) for name, values in codes.items()}
        self.accepted = codes
        # The select questions: name -> (choice list, several answers?)
        self.selects = {q.name: (q.list_name, q.is_multiple) for q in QUESTIONS.values() if q.list_name}

    def build(self, answers: Mapping[str, str], columns: Columns, *, today: date | None = None) -> Checked:
        checked = Checked()
        heading = columns.heading
        selected = self._selections(answers, checked, heading)
        identified_on = check.a_date(check.Errors(), "identified_on", answers.get("tipsom_IdentifiedOn"))
        person = self._person(answers, selected, checked, heading, identified_on or today or timezone.localdate())
        born = Person(
            birth_date=person.get("birth_date", ""),
            birth_date_precision=person.get("birth_date_precision", ""),
            is_presumed_minor=person.get("is_presumed_minor", False),
        )
        case = {
            "case_type": selected.get("tipsom_CaseType", ""),
            "identified_on": answers.get("tipsom_IdentifiedOn", ""),
            "region": selected.get("tipsom_Region", ""),
            "origin_country": selected.get("tipsom_OriginCountry", ""),
            "transit_countries": selected.get("tipsom_TransitCountries", []),
            "destination_country": selected.get("tipsom_DestinationCountry", ""),
            "exploitation_types": selected.get("vic_TypeOfExploitation", []),
            "industries": selected.get("vic_ForcedLabourIndustry", []),
            "sex_exploitation_types": selected.get("vic_TypeOfSexExploitation", []),
            "means_of_control": selected.get("vic_MethodsOfControl", []),
            "recruitment_methods": selected.get("vic_MethodOfRecruitment", []),
            "relationship_to_recruiter": [value] if (value := selected.get("vic_RelationshipToTrafficker")) else [],
        }
        screening = {
            "screened_on": answers.get("tipsom_IdentifiedOn", ""),
            "acts": selected.get("tipsom_Acts", []),
            "means": selected.get("vic_MethodsOfControl", []),
            "purposes": selected.get("vic_TypeOfExploitation", []),
            "som_vulnerabilities": selected.get("tipsom_SomVulnerabilities", []),
            "notes": answers.get("cco_CaseComment", ""),
        }
        errors = check.Errors()
        # An empty answer is "required", not an unknown code: the validators see only what was answered.
        for name in ("case_type", "identified_on"):
            if not case[name]:
                errors[name] = _("This field is required.")
        given = {name: value for name, value in case.items() if value or name not in ("case_type", "identified_on")}
        birth_ok = not any(error["column"] == heading("prs_Birthdate") for error in checked.errors)
        case_clean = case_fields_validate(given, errors, country=self.country, person=born if birth_ok else None)
        identified = case_clean.get("identified_on")
        born_on = earliest_birth(born) if birth_ok else None
        screening_fields_validate(
            screening, errors, identified_on=identified, born=born_on, case_type=case_clean.get("case_type") or None
        )
        consents = self._consents(selected, checked, heading)
        if identified is not None:
            stand_in = Case(identified_on=identified, is_child=_is_child(born, identified))
            # Consents that differ only in purpose and answer (but referral's) are checked once: the rule says the
            # same of each (who gave it, for a child; no types of service).
            shapes = {(c["purpose"] == "referral", c["given_by"]): c for c in consents}
            for consent in shapes.values():
                consent_row(errors, {**consent, "recorded_on": identified}, stand_in, None, {})
        for name, message in errors.items():
            question = FIELD_QUESTIONS.get(name, name)
            checked.add(heading(question), _error_code(str(message)), str(message))
        checked.registration = {"person": person, "case": case, "screening": screening, "consents": consents}
        return checked

    # --- parts ---------------------------------------------------------------------------------------------------
    def _selections(
        self, answers: Mapping[str, str], checked: Checked, heading: Callable[[str], str]
    ) -> dict[str, Any]:
        """Each select answer as a code (select_one) or a list of codes (select_multiple); an unknown code is named
        with the codes the question accepts."""
        selected: dict[str, Any] = {}
        for name, value in answers.items():
            if name not in self.selects:
                continue
            list_name, multiple = self.selects[name]
            question = QUESTIONS[name]
            given = value.split() if multiple else [value]
            unknown = [code for code in given if code not in self.codes[list_name]]
            if unknown:
                accepted = self.accepted[list_name]
                if len(accepted) <= SHORT_LIST:
                    shown = _("Accepted codes: %(codes)s.") % {"codes": ", ".join(accepted)}
                else:
                    shown = _("Use a code of the form's list (%(count)d codes).") % {"count": len(accepted)}
                message = _("Unknown code for %(field)s.") % {"field": list_label(list_name, question)}
                error: dict[str, Any] = {"value": seal_value(" ".join(unknown))}
                if len(accepted) <= SHORT_LIST:
                    error["accepted"] = accepted
                checked.add(heading(name), "unknown_code", f"{message} {shown}", **error)
                given = [code for code in given if code not in unknown]
            selected[name] = list(dict.fromkeys(given)) if multiple else (given[0] if given else "")
        return selected

    def _person(
        self,
        answers: Mapping[str, str],
        selected: dict[str, Any],
        checked: Checked,
        heading: Callable[[str], str],
        on: date,
    ) -> dict[str, Any]:
        """The person_create fields; each name part is checked by the text rule on its own column first."""
        errors = check.Errors()
        parts = [check.line(errors, name, answers.get(name, "")) for name in NAME_PARTS]
        if not parts[0] and "prs_FirstName" not in errors:
            errors["prs_FirstName"] = _("This field is required.")
        languages = [selected.get(name, "") for name in ("prs_PrimaryLanguage", "prs_SecondaryLanguage")]
        person: dict[str, Any] = {
            "names": [{"name": " ".join(part for part in parts if part), "kind": "primary"}],
            "citizenships": selected.get("prs_Citizenship", []),
            "languages": list(dict.fromkeys(code for code in languages if code)),
            "is_presumed_minor": selected.get("tipsom_PresumedMinor") == "yes",
            "contacts": [{"kind": "phone", "value": phone}] if (phone := answers.get("prs_MobilePhone")) else [],
        }
        if selected.get("prs_Gender"):
            person["gender"] = selected["prs_Gender"]
        elif "prs_Gender" not in answers:
            errors["prs_Gender"] = _("This field is required.")
        known = selected.get("tipsom_BirthDateKnown", "")
        if known == "date":
            if answers.get("prs_Birthdate"):
                person.update(birth_date=answers["prs_Birthdate"], birth_date_precision="exact")
            else:
                errors["prs_Birthdate"] = _("This field is required.")
        elif known == "age":
            age = check.whole_number(errors, "tipsom_Age", answers.get("tipsom_Age"), maximum=120, required=True)
            try:
                born = parse_birth_date(str(age), today=on) if age is not None else None
            except BirthDateError as error:
                errors["tipsom_Age"] = str(error)
            else:
                if born is not None:
                    person.update(birth_date=born.text, birth_date_precision=born.precision)
        elif "tipsom_BirthDateKnown" not in answers:
            errors["tipsom_BirthDateKnown"] = _("This field is required.")
        for name, message in errors.items():
            checked.add(heading(name), _error_code(str(message)), str(message))
        if errors.get("prs_FirstName"):
            return person  # the service would only say the same of the whole name
        try:
            person_fields_validate(person)
        except ApplicationError as error:
            birth_column = "tipsom_Age" if known == "age" else "prs_Birthdate"
            fields = error.extra.get("fields") or {"names": error.message}
            for name, message in fields.items():
                if name.startswith("names"):
                    question = "prs_FirstName"
                elif name.startswith("contacts"):
                    question = "prs_MobilePhone"
                elif name.startswith("birth_date"):
                    question = birth_column
                else:
                    question = FIELD_QUESTIONS.get(name, name)
                checked.add(heading(question), _error_code(str(message)), str(message))
        return person

    def _consents(
        self, selected: dict[str, Any], checked: Checked, heading: Callable[[str], str]
    ) -> list[dict[str, Any]]:
        if selected.get("con_Consent") != "yes":
            checked.add(
                heading("con_Consent"),
                "no_consent",
                _("The person did not consent to the processing of their data: nothing of this submission is kept."),
            )
        given_by = selected.get("tipsom_ConsentGivenBy", "")
        consents = [{"purpose": Consent.Purpose.DATA_PROCESSING, "given": True, "given_by": given_by}]
        for purpose, question in CONSENT_QUESTIONS.items():
            answer = selected.get(question, "")
            if answer in ("given", "refused"):
                consents.append(
                    {
                        "purpose": purpose,
                        "given": answer == "given",
                        "given_by": given_by,
                        "service_types": selected.get("spl_Type", [])
                        if purpose == Consent.Purpose.REFERRAL and answer == "given"
                        else [],
                    }
                )
        return [{**consent, "purpose": str(consent["purpose"])} for consent in consents]


def _is_child(person: Person, on: date) -> bool:
    try:
        return is_child_at(person, on)
    except ValueError:  # a birth date that does not exist: the person's validation names it
        return person.is_presumed_minor
