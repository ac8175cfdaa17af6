"""The questions of tipsom's identification form for the field, in the order the phone asks them, with their skip
logic and constraints, and the choice lists they take their answers from.

A question the HTCDS v2.0 standard names carries the standard's field name exactly (prs_FirstName,
vic_MethodsOfControl, con_Consent, ...). What HTCDS has no field for (the Palermo acts, the type of case, the
identification date and region, the migrant's vulnerabilities, the further consents) is named `tipsom_<Name>` and
listed in TIPSOM_NAMES with the reason; the form's metadata and groups are listed in META_NAMES and GROUP_NAMES.
Labels are the interface's own strings (the registration form's where it asks the same thing), so each language
gets the translation the screens use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tipsom.cases.forms.registration import (
    CASE_CODE_LISTS,
    STEP_TITLES,
    CaseStepForm,
    ConsentStepForm,
    ScreeningStepForm,
)
from tipsom.cases.models import CaseType, Consent, SomVulnerability, TraffickingAct
from tipsom.core.codes import code_choices, code_list_label
from tipsom.core.locale_names import language_choices
from tipsom.organizations import geography

# ODK's form metadata: when the interview started and ended, its day, the phone and the enumerator's account.
META_NAMES = {
    "start": "when the interview started (ODK metadata)",
    "end": "when the interview ended (ODK metadata)",
    "today": "the day of the interview (ODK metadata)",
    "deviceid": "the phone (ODK metadata)",
    "username": "the enumerator's account on the phone (ODK metadata)",
    "meta": "ODK's metadata group (instanceID, instanceName), added by pyxform",
    "instanceID": "the submission's unique id, added by pyxform",
    "instanceName": "the submission's name in lists (settings' instance_name, nothing identifying)",
}
GROUP_NAMES = {
    "person": "group: the person",
    "screening": "group: the screening",
    "case": "group: the case",
    "consent": "group: consent",
}
# tipsom's own questions and calculations: HTCDS v2.0 has no field for them.
TIPSOM_NAMES = {
    "tipsom_FormId": "calculated: the form id, so every export says which form it is of",
    "tipsom_FormVersion": "calculated: the form version (KoboToolbox replaces settings' version with its own)",
    "tipsom_IsChild": "calculated: a child (or presumed one) on the interview day, for the child-only rules",
    "tipsom_BirthDateKnown": "what is known of the birth date (HTCDS has only an exact prs_Birthdate)",
    "tipsom_Age": "an estimated age in years when the birth date is not known",
    "tipsom_PresumedMinor": "a presumed minor when nothing of the age is known",
    "tipsom_CaseType": "trafficking, smuggling of migrants or both (HTCDS covers trafficking only)",
    "tipsom_Acts": "the Palermo Protocol's acts (recruited, transported, ...)",
    "tipsom_SomVulnerabilities": "the vulnerabilities of a smuggled migrant",
    "tipsom_IdentifiedOn": "the identification date",
    "tipsom_Region": "the region of identification (ISO 3166-2, the country's configuration)",
    "tipsom_OriginCountry": "the country of origin",
    "tipsom_TransitCountries": "the transit countries",
    "tipsom_DestinationCountry": "the country of destination",
    "tipsom_ConsentGivenBy": "who gave consent (the person, a guardian, a parent)",
    "tipsom_ConsentReferral": "consent to sharing with services for referral (HTCDS has one con_Consent)",
    "tipsom_ConsentStatistics": "consent to use in statistics",
    "tipsom_ConsentFollowUp": "consent to contact for follow-up",
}

# The form's calculations name the choices by code: a code list change that drops one must change these too.
FORCED_LABOUR, CHILD_LABOUR, SEXUAL_EXPLOITATION = "ForcedLabour", "ChildLabour", "SexualExploitation"
UNACCOMPANIED_CHILD = SomVulnerability.UNACCOMPANIED_CHILD.value
E164 = r"^\+?[1-9][0-9]{1,14}$"  # the HTCDS note on phone numbers


@dataclass(frozen=True)
class Question:
    """One row of the XLSForm's survey sheet. Texts are lazy (translated per language when the form is built)."""

    type: str
    name: str
    label: Any = None
    hint: Any = None
    required: bool = False
    relevant: str = ""
    constraint: str = ""
    constraint_message: Any = None
    calculation: str = ""
    default: str = ""
    appearance: str = ""

    @property
    def list_name(self) -> str:
        """The choice list of a select question ("select_one prs_Gender" -> "prs_Gender")."""
        kind, _sep, rest = self.type.partition(" ")
        return rest if kind in ("select_one", "select_multiple") else ""

    @property
    def is_multiple(self) -> bool:
        return self.type.startswith("select_multiple ")


@dataclass(frozen=True)
class Group:
    name: str
    label: Any
    questions: tuple[Question, ...]
    relevant: str = ""
    appearance: str = field(default="field-list")


def _label(form: Any, name: str) -> Any:
    """The label a registration form gives a field: the same words, the same translations."""
    return form.base_fields[name].label


def _answer_label(value: str) -> Any:
    return dict(ConsentStepForm.ANSWERS)[value]


CONSENTED = "${con_Consent} = 'yes'"
IS_CHILD = (
    "if(${tipsom_BirthDateKnown} = 'date', "
    "if(int((decimal-date-time(today()) - decimal-date-time(${prs_Birthdate})) div 365.25) < 18, 1, 0), "
    "if(${tipsom_BirthDateKnown} = 'age', if(${tipsom_Age} < 18, 1, 0), "
    "if(${tipsom_PresumedMinor} = 'yes', 1, 0)))"
)

META = (
    Question("start", "start"),
    Question("end", "end"),
    Question("today", "today"),
    Question("deviceid", "deviceid"),
    Question("username", "username"),
)


def form_questions(*, form_id: str, version: str) -> tuple[tuple[Question, ...], tuple[Group, ...]]:
    """(questions before the groups, the groups): the whole survey of the form `form_id` at `version`."""
    top = (
        *META,
        Question("calculate", "tipsom_FormId", calculation=f"'{form_id}'"),
        Question("calculate", "tipsom_FormVersion", calculation=f"'{version}'"),
        Question(
            "select_one yes_no",
            "con_Consent",
            _("Does the person agree that their answers are recorded and processed?"),
            hint=_(
                "Explain what is recorded, who will see it and why, in a language the person understands. For a "
                "child, a guardian or parent answers."
            ),
            required=True,
            constraint=". = 'yes'",
            constraint_message=_("Without the person's consent nothing may be recorded: discard this form."),
        ),
    )
    person = Group(
        "person",
        STEP_TITLES["person"],
        (
            Question(
                "text",
                "prs_FirstName",
                _("First name"),
                hint=_("In the person's own script. Confidential: stored encrypted."),
                required=True,
            ),
            Question("text", "prs_MiddleName", _("Middle name")),
            Question("text", "prs_SecondName", _("Second name (family name)")),
            Question("select_one prs_Gender", "prs_Gender", _("Gender"), required=True),
            Question(
                "select_one birth_known", "tipsom_BirthDateKnown", _("What is known of the birth date?"), required=True
            ),
            Question(
                "date",
                "prs_Birthdate",
                _("Birth date"),
                required=True,
                relevant="${tipsom_BirthDateKnown} = 'date'",
                constraint=". <= today() and . >= date('1900-01-01')",
                constraint_message=_("Enter a birth date between 1900 and today."),
            ),
            Question(
                "integer",
                "tipsom_Age",
                _("Age in years (an estimate)"),
                required=True,
                relevant="${tipsom_BirthDateKnown} = 'age'",
                constraint=". >= 0 and . <= 120",
                constraint_message=_("Enter an age from 0 to 120."),
            ),
            Question(
                "select_one yes_no",
                "tipsom_PresumedMinor",
                _("Presumed minor"),
                hint=_("The age is unknown but the person may be a child: the child track starts."),
                required=True,
                relevant="${tipsom_BirthDateKnown} = 'unknown'",
            ),
            Question("calculate", "tipsom_IsChild", calculation=IS_CHILD),
            Question(
                "select_multiple countries",
                "prs_Citizenship",
                _("Citizenships"),
                appearance="autocomplete",
            ),
            Question("select_one languages", "prs_PrimaryLanguage", _("Primary language"), appearance="autocomplete"),
            Question(
                "select_one languages", "prs_SecondaryLanguage", _("Secondary language"), appearance="autocomplete"
            ),
            Question(
                "text",
                "prs_MobilePhone",
                _("Phone"),
                hint=_("With the country code, digits only: +5561999990000. Optional."),
                constraint=f"regex(., '{E164}')",
                constraint_message=_("Write the number with its country code, digits only: +5561999990000."),
            ),
        ),
        relevant=CONSENTED,
    )
    exploitation = "${vic_TypeOfExploitation}"
    screening = Group(
        "screening",
        STEP_TITLES["screening"],
        (
            Question("select_one case_type", "tipsom_CaseType", _label(ScreeningStepForm, "case_type"), required=True),
            Question("select_multiple acts", "tipsom_Acts", _label(ScreeningStepForm, "acts")),
            Question(
                "select_multiple vic_MethodsOfControl",
                "vic_MethodsOfControl",
                _label(ScreeningStepForm, "means"),
                hint=ScreeningStepForm.base_fields["means"].help_text,
            ),
            Question(
                "select_multiple vic_TypeOfExploitation",
                "vic_TypeOfExploitation",
                _label(ScreeningStepForm, "purposes"),
            ),
            Question(
                "select_multiple vic_ForcedLabourIndustry",
                "vic_ForcedLabourIndustry",
                CASE_CODE_LISTS["industries"][1],
                relevant=f"selected({exploitation}, '{FORCED_LABOUR}') or selected({exploitation}, '{CHILD_LABOUR}')",
            ),
            Question(
                "select_multiple vic_TypeOfSexExploitation",
                "vic_TypeOfSexExploitation",
                _("Type of sexual exploitation"),
                relevant=f"selected({exploitation}, '{SEXUAL_EXPLOITATION}')",
            ),
            Question(
                "select_multiple vic_MethodOfRecruitment",
                "vic_MethodOfRecruitment",
                CASE_CODE_LISTS["recruitment_methods"][1],
            ),
            Question(
                "select_one vic_RelationshipToTrafficker",
                "vic_RelationshipToTrafficker",
                _("Relationship to the recruiter"),
            ),
            Question(
                "select_multiple som_vulnerabilities",
                "tipsom_SomVulnerabilities",
                _label(ScreeningStepForm, "som_vulnerabilities"),
                relevant="${tipsom_CaseType} = 'som' or ${tipsom_CaseType} = 'both'",
                constraint=f"not(selected(., '{UNACCOMPANIED_CHILD}')) or ${{tipsom_IsChild}} = 1",
                constraint_message=_("An unaccompanied or separated child must be under 18: check the age."),
            ),
            Question(
                "text",
                "cco_CaseComment",
                _label(ScreeningStepForm, "screening_notes"),
                hint=ScreeningStepForm.base_fields["screening_notes"].help_text,
                appearance="multiline",
            ),
        ),
        relevant=CONSENTED,
    )
    case = Group(
        "case",
        STEP_TITLES["case"],
        (
            Question(
                "date",
                "tipsom_IdentifiedOn",
                _label(CaseStepForm, "identified_on"),
                required=True,
                default="today()",
                constraint=". <= today()",
                constraint_message=_("This date is in the future."),
            ),
            Question("select_one regions", "tipsom_Region", _label(CaseStepForm, "region"), appearance="autocomplete"),
            Question(
                "select_one countries",
                "tipsom_OriginCountry",
                _label(CaseStepForm, "origin_country"),
                appearance="autocomplete",
            ),
            Question(
                "select_multiple countries",
                "tipsom_TransitCountries",
                _label(CaseStepForm, "transit_countries"),
                appearance="autocomplete",
            ),
            Question(
                "select_one countries",
                "tipsom_DestinationCountry",
                _label(CaseStepForm, "destination_country"),
                appearance="autocomplete",
            ),
        ),
        relevant=CONSENTED,
    )
    consent = Group(
        "consent",
        pgettext_lazy("registration step", "Consent"),
        (
            Question(
                "select_one given_by",
                "tipsom_ConsentGivenBy",
                _label(ConsentStepForm, "given_by"),
                required=True,
                constraint="not(${tipsom_IsChild} = 1 and . = 'person')",
                constraint_message=_("For a child, a guardian or parent gives or withdraws consent."),
            ),
            Question("select_one consent_answer", "tipsom_ConsentReferral", Consent.Purpose.REFERRAL.label),
            Question(
                "select_multiple spl_Type",
                "spl_Type",
                _label(ConsentStepForm, "service_types"),
                required=True,
                relevant="${tipsom_ConsentReferral} = 'given'",
            ),
            Question("select_one consent_answer", "tipsom_ConsentStatistics", Consent.Purpose.STATISTICS.label),
            Question("select_one consent_answer", "tipsom_ConsentFollowUp", Consent.Purpose.FOLLOW_UP.label),
        ),
        relevant=CONSENTED,
    )
    return top, (person, screening, case, consent)


ChoiceSource = Callable[[str], list[tuple[str, Any]]]

# Each choice list: (code, label) pairs for a country, in the active language.
CHOICE_LISTS: dict[str, ChoiceSource] = {
    "yes_no": lambda country: [("yes", _("Yes")), ("no", _("No"))],
    "birth_known": lambda country: [
        ("date", _("The exact date")),
        ("age", _("The age in years (an estimate)")),
        ("unknown", _("Nothing")),
    ],
    "prs_Gender": lambda country: code_choices("prs_Gender"),
    "countries": lambda country: geography.country_choices(),
    "languages": lambda country: language_choices(),
    "case_type": lambda country: list(CaseType.choices),
    "acts": lambda country: list(TraffickingAct.choices),
    "vic_MethodsOfControl": lambda country: code_choices("vic_MethodsOfControl"),
    "vic_TypeOfExploitation": lambda country: code_choices("vic_TypeOfExploitation"),
    "vic_ForcedLabourIndustry": lambda country: code_choices("vic_ForcedLabourIndustry"),
    "vic_TypeOfSexExploitation": lambda country: code_choices("vic_TypeOfSexExploitation"),
    "vic_MethodOfRecruitment": lambda country: code_choices("vic_MethodOfRecruitment"),
    "vic_RelationshipToTrafficker": lambda country: code_choices("vic_RelationshipToTrafficker"),
    "som_vulnerabilities": lambda country: list(SomVulnerability.choices),
    "regions": lambda country: geography.region_choices(country),
    "given_by": lambda country: list(Consent.GivenBy.choices),
    "consent_answer": lambda country: [("given", _answer_label("given")), ("refused", _answer_label("refused"))],
    "spl_Type": lambda country: code_choices("spl_Type"),
}

# The HTCDS code list behind a choice list, for messages naming the list.
HTCDS_LISTS = {name for name in CHOICE_LISTS if name.startswith(("prs_", "vic_", "spl_"))}


def list_label(list_name: str, question: Question) -> str:
    """What a select question's codes are, in words, for messages: the HTCDS list's name, else the question."""
    if list_name in HTCDS_LISTS:
        return code_list_label(list_name)
    return str(question.label or question.name)
