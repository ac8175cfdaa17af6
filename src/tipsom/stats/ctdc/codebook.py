"""CTDC's codebooks and the mapping from tipsom's victim facts (HTCDS codes) to them.

The global k-anonymised dataset, codebook v6 (CTDC 2017, one row per victim, the columns below in CTDC's order):
`-99` for a missing value, `0`/`1` for the binary fields, `;`-joined concatenated fields, ISO 3166-1 alpha-2
countries with `ZZ` for unknown, `ageBroad` bins written with `--`.

How the HTCDS codes of a VictimFact become CTDC columns (docs/user-guide/statistics-exports.md says the same):

- gender: sex F → Female, M → Male, O → Transgender/NonConforming, U → Unknown.
- Datasource: case_management and field → Case Management (a field identification is registered as a case by an
  identifying organisation); helpline → Hotline.
- ageBroad: from the age at identification (else the fact's age band); majorityStatus: Minor under 18, Adult from
  18 (else Minor when the fact says child, else -99); majorityStatusAtExploit: from child_at_exploitation;
  majorityEntry and isAbduction: -99 (tipsom does not record them).
- is<Form> from vic_TypeOfExploitation: ForcedLabour, ChildLabour, ForcedBegging and ForcedCriminality →
  isForcedLabour; SexualExploitation → isSexualExploit; ForcedMarriage → isForcedMarriage; ForcedMilitary* →
  isForcedMilitary; OrganRemoval → isOrganRemoval; Servitude → isSlaveryAndPractices; ForcedAdoption, Surrogacy,
  Other and any other code → isOtherExploit. isSexAndLabour = both isSexualExploit and isForcedLabour.
- typeOfLabour<X> from vic_ForcedLabourIndustry (ISIC sections): A → Agriculture, B → MiningOrDrilling,
  C → Manufacturing, F → Construction, H → Transportation, I → Hospitality, T → DomesticWork, any other section →
  Other; ForcedBegging adds Begging and ForcedCriminality IllicitActivities; a victim of forced labour with no
  industry → NotSpecified. (CTDC's Aquafarming and Peddling have no ISIC section of their own: never set.)
- typeOfSex<X> from the sexual exploitation types (same names).
- meansOfControl<X> from vic_MethodsOfControl: PhysicalThreats and ThreatensChildrenFamily → Threats;
  ThreatsLawEnforcement → ThreatOfLawEnforcement; PsychoactiveSubstance → PsychoactiveSubstances; DebtBondage,
  TakesEarnings, RestrictsFinancialAccess, PsychologicalAbuse, PhysicalAbuse, SexualAbuse, FalsePromises,
  RestrictsMovement, RestrictsMedicalCare, ExcessiveWorkingHours, WithholdsNecessities, WithholdsDocuments, Other
  → the same name; any other code → Other. (UsesChildren has no HTCDS code: never set.)
- recruiterRelation<X> from vic_RelationshipToTrafficker: Familial → Family (Family/Relative), Acquainted → Friend
  (CTDC's friend or acquaintance), Unaquainted → Other, IntimatePartner → IntimatePartner.
- A group with no value recorded (no form of exploitation, no means, no recruiter) is -99 in all its columns; a
  labour group is -99 unless the victim is in forced labour, a sex group unless in sexual exploitation. A recorded
  group writes 0 or 1 in each column.

Each multi-valued group is carried as a bit mask (one bit per CTDC column of the group) from the facts to the file,
so that a million victims are written without a Python object per cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

MISSING = "-99"
UNKNOWN_COUNTRY = "ZZ"

AGE_BANDS: tuple[str, ...] = ("0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+")
# The first age of each band (ages from 48 up are 48+).
AGE_BAND_STARTS: tuple[int, ...] = (0, 9, 18, 21, 24, 27, 30, 39, 48)

GENDERS = {"F": "Female", "M": "Male", "O": "Transgender/NonConforming", "U": "Unknown"}
DATA_SOURCES = {"case_management": "Case Management", "field": "Case Management", "helpline": "Hotline"}


@dataclass(frozen=True)
class Group:
    """A multi-valued CTDC group: its binary columns `prefix + name` (CTDC's order), its concatenated column, and
    the HTCDS codes that set each name."""

    prefix: str
    names: tuple[str, ...]
    concatenated: str | None
    htcds: dict[str, str] = field(default_factory=dict)
    other: str | None = None  # the name any unmapped HTCDS code sets

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.prefix + name for name in self.names)

    def bit(self, name: str) -> int:
        return 1 << self.names.index(name)

    def mask(self, codes: Iterable[str]) -> int:
        """The bit mask of a fact's HTCDS codes."""
        value = 0
        for code in codes:
            name = self.htcds.get(code, self.other)
            if name is not None:
                value |= self.bit(name)
        return value

    def names_of(self, mask: int) -> list[str]:
        return [name for index, name in enumerate(self.names) if mask >> index & 1]


MEANS = Group(
    prefix="meansOfControl",
    names=(
        "DebtBondage",
        "TakesEarnings",
        "RestrictsFinancialAccess",
        "Threats",
        "PsychologicalAbuse",
        "PhysicalAbuse",
        "SexualAbuse",
        "FalsePromises",
        "PsychoactiveSubstances",
        "RestrictsMovement",
        "RestrictsMedicalCare",
        "ExcessiveWorkingHours",
        "UsesChildren",
        "ThreatOfLawEnforcement",
        "WithholdsNecessities",
        "WithholdsDocuments",
        "Other",
        "NotSpecified",
    ),
    concatenated="meansOfControlConcatenated",
    htcds={
        "DebtBondage": "DebtBondage",
        "TakesEarnings": "TakesEarnings",
        "RestrictsFinancialAccess": "RestrictsFinancialAccess",
        "PhysicalThreats": "Threats",
        "ThreatensChildrenFamily": "Threats",
        "ThreatsLawEnforcement": "ThreatOfLawEnforcement",
        "PsychologicalAbuse": "PsychologicalAbuse",
        "PhysicalAbuse": "PhysicalAbuse",
        "SexualAbuse": "SexualAbuse",
        "FalsePromises": "FalsePromises",
        "PsychoactiveSubstance": "PsychoactiveSubstances",
        "RestrictsMovement": "RestrictsMovement",
        "RestrictsMedicalCare": "RestrictsMedicalCare",
        "ExcessiveWorkingHours": "ExcessiveWorkingHours",
        "WithholdsNecessities": "WithholdsNecessities",
        "WithholdsDocuments": "WithholdsDocuments",
        "Other": "Other",
    },
    other="Other",
)

EXPLOIT = Group(
    prefix="is",
    names=(
        "ForcedLabour",
        "SexualExploit",
        "OtherExploit",
        "SexAndLabour",
        "ForcedMarriage",
        "ForcedMilitary",
        "OrganRemoval",
        "SlaveryAndPractices",
    ),
    concatenated="typeOfExploitConcatenated",
    htcds={
        "ForcedLabour": "ForcedLabour",
        "ChildLabour": "ForcedLabour",
        "ForcedBegging": "ForcedLabour",
        "ForcedCriminality": "ForcedLabour",
        "SexualExploitation": "SexualExploit",
        "ForcedMarriage": "ForcedMarriage",
        "ForcedMilitaryByNonStateActors": "ForcedMilitary",
        "ForcedMilitaryByStateActors": "ForcedMilitary",
        "ForcedMilitary": "ForcedMilitary",
        "OrganRemoval": "OrganRemoval",
        "Servitude": "SlaveryAndPractices",
    },
    other="OtherExploit",
)

LABOUR = Group(
    prefix="typeOfLabour",
    names=(
        "Agriculture",
        "Aquafarming",
        "Begging",
        "Construction",
        "DomesticWork",
        "Hospitality",
        "IllicitActivities",
        "Manufacturing",
        "MiningOrDrilling",
        "Peddling",
        "Transportation",
        "Other",
        "NotSpecified",
    ),
    concatenated="typeOfLabourConcatenated",
    htcds={
        "A_AgricultureForestryAndFishing": "Agriculture",
        "B_MiningAndQuarrying": "MiningOrDrilling",
        "C_Manufacturing": "Manufacturing",
        "F_Construction": "Construction",
        "H_TransportationAndStorage": "Transportation",
        "I_AccommodationAndFoodServiceActivities": "Hospitality",
        "T_ActivitiesOfHouseholdsAsEmployers": "DomesticWork",
        # Forms of exploitation that CTDC counts as a type of labour.
        "ForcedBegging": "Begging",
        "ForcedCriminality": "IllicitActivities",
    },
    other="Other",
)

SEX = Group(
    prefix="typeOfSex",
    names=("Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices"),
    concatenated="typeOfSexConcatenated",
    htcds={
        name: name for name in ("Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices")
    },
)

RECRUITER = Group(
    prefix="recruiterRelation",
    names=("IntimatePartner", "Friend", "Family", "Other", "Unknown"),
    concatenated="RecruiterRelationship",
    htcds={
        "Familial": "Family",
        "Acquainted": "Friend",
        "Unaquainted": "Other",
        "IntimatePartner": "IntimatePartner",
        "Unknown": "Unknown",
    },
    other="Other",
)

# The words CTDC writes in RecruiterRelationship for each name.
RECRUITER_WORDS = {
    "IntimatePartner": "Intimate Partner",
    "Friend": "Friend",
    "Family": "Family/Relative",
    "Other": "Other",
    "Unknown": "Unknown",
}

GROUPS: dict[str, Group] = {"means": MEANS, "exploit": EXPLOIT, "labour": LABOUR, "sex": SEX, "recruiter": RECRUITER}

# Codebook v6, in CTDC's order (63 columns, isSlaveryAndPractices included).
CTDC_COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "majorityStatusAtExploit",
    "majorityEntry",
    "citizenship",
    *MEANS.columns,
    "meansOfControlConcatenated",
    *EXPLOIT.columns,
    "typeOfExploitConcatenated",
    *LABOUR.columns,
    "typeOfLabourConcatenated",
    *SEX.columns,
    "typeOfSexConcatenated",
    "isAbduction",
    "RecruiterRelationship",
    *(column for column in RECRUITER.columns),
    "CountryOfExploitation",
)

# The quasi-identifiers the k-anonymity protects (kanon.py says why these).
QUASI_IDENTIFIERS: tuple[str, ...] = (
    "yearOfRegistration",
    "Datasource",
    "gender",
    "ageBroad",
    "majorityStatus",
    "citizenship",
    "CountryOfExploitation",
)


def age_band(age: int | None, band: str = "") -> str:
    """CTDC's ageBroad of an age (or of a fact's stored band, whatever dash it uses); -99 when unknown."""
    if age is not None:
        for start, name in zip(reversed(AGE_BAND_STARTS), reversed(AGE_BANDS), strict=True):
            if age >= start:
                return name
    normalised = normalise_dashes(band)
    return normalised if normalised in AGE_BANDS else MISSING


def normalise_dashes(text: str) -> str:
    """`0—8`, `0–8`, `0-8` and `0--8` all become `0--8`."""
    text = text.strip().replace("\u2014", "--").replace("\u2013", "--")
    if "--" not in text and text.count("-") == 1 and not text.startswith("-"):
        text = text.replace("-", "--")
    return text


def majority(age: int | None, band: str, is_child: bool) -> str:
    if age is not None:
        return "Minor" if age < 18 else "Adult"
    normalised = normalise_dashes(band)
    if normalised in AGE_BANDS:
        return "Minor" if AGE_BANDS.index(normalised) < 2 else "Adult"
    return "Minor" if is_child else MISSING


def majority_at_exploitation(child: bool | None) -> str:
    return MISSING if child is None else ("Minor" if child else "Adult")


@cache
def group_cells(group_key: str, mask: int, recorded: bool) -> tuple[str, ...]:
    """The cells of one group for a record: its binary columns and its concatenated column (when it has one).
    `recorded` False: the group was not recorded for this record (all -99)."""
    group = GROUPS[group_key]
    width = len(group.names) + (1 if group.concatenated and group is not RECRUITER else 0)
    if not recorded:
        return (MISSING,) * width
    bits = tuple("1" if mask >> index & 1 else "0" for index in range(len(group.names)))
    if group is RECRUITER or not group.concatenated:
        return bits
    names = group.names_of(mask)
    return (*bits, ";".join(names) if names else MISSING)


def recruiter_words(mask: int, recorded: bool) -> str:
    if not recorded or not mask:
        return MISSING
    return ";".join(RECRUITER_WORDS[name] for name in RECRUITER.names_of(mask))


def fact_masks(
    exploitation_types: Sequence[str],
    industries: Sequence[str],
    sex_types: Sequence[str],
    means: Sequence[str],
    recruiters: Sequence[str],
) -> tuple[int, int, int, int, int]:
    """The five group masks of a fact (means, exploit, labour, sex, recruiter)."""
    exploit = EXPLOIT.mask(exploitation_types)
    if exploit & EXPLOIT.bit("ForcedLabour") and exploit & EXPLOIT.bit("SexualExploit"):
        exploit |= EXPLOIT.bit("SexAndLabour")
    labour = LABOUR.mask(industries) | LABOUR.mask(code for code in exploitation_types if code in LABOUR.htcds)
    if exploit & EXPLOIT.bit("ForcedLabour") and not labour:
        labour = LABOUR.bit("NotSpecified")
    return MEANS.mask(means), exploit, labour, SEX.mask(sex_types), RECRUITER.mask(recruiters)


def exploit_recorded(exploit: int) -> bool:
    return exploit != 0


def labour_recorded(exploit: int) -> bool:
    return bool(exploit & EXPLOIT.bit("ForcedLabour"))


def sex_recorded(exploit: int) -> bool:
    return bool(exploit & EXPLOIT.bit("SexualExploit"))
