"""The codes of the criminal justice record: offence types (with their ICCS codes), stages, roles, outcomes.

The structure follows UNODC's SHERLOC case law database, the GLOTIP questionnaire and UN-CTS (HTCDS v2.0 has no
fields on charges or proceedings); recruitment, control and relationship codes are HTCDS's own lists."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OffenceType(models.TextChoices):
    TIP = "tip", _("Trafficking in persons")
    SOM = "som", _("Smuggling of migrants")
    DOCUMENT_FRAUD = "document_fraud", _("Document fraud")
    CORRUPTION = "corruption", _("Corruption")
    MONEY_LAUNDERING = "money_laundering", _("Money laundering")
    LABOUR = "labour", _("Labour law violation")
    SEXUAL = "sexual", _("Sexual exploitation offence")
    ORGANISED_CRIME = "organised_crime", _("Participation in an organised criminal group")
    OTHER = "other", _("Other related offence")


# The International Classification of Crime for Statistical Purposes (ICCS, UNODC 2015): the default code of each
# offence type; a legal provision may name a more precise one. Left empty where no single ICCS code fits.
ICCS_CODES = {
    OffenceType.TIP: "0204",
    OffenceType.SOM: "08051",
    OffenceType.DOCUMENT_FRAUD: "",
    OffenceType.CORRUPTION: "0703",
    OffenceType.MONEY_LAUNDERING: "07041",
    OffenceType.LABOUR: "",
    OffenceType.SEXUAL: "0302",
    OffenceType.ORGANISED_CRIME: "09051",
    OffenceType.OTHER: "",
}


class CaseStage(models.TextChoices):
    """Where a criminal case stands as a whole (each defendant has their own stages)."""

    INVESTIGATION = "investigation", _("Investigation")
    PROSECUTION = "prosecution", _("Prosecution")
    TRIAL = "trial", _("Trial")
    APPEAL = "appeal", _("Appeal")
    CONCLUDED = "concluded", _("Concluded")
    CLOSED = "closed", _("Closed without charges")


CLOSED_STAGES = (CaseStage.CONCLUDED, CaseStage.CLOSED)


class SuspectRole(models.TextChoices):
    """The suspect's role in the crime (the acts of the Palermo Protocols, and those who fund and help)."""

    RECRUITER = "recruiter", _("Recruiter")
    TRANSPORTER = "transporter", _("Transporter")
    HARBOURER = "harbourer", _("Harbourer")
    EXPLOITER = "exploiter", _("Exploiter")
    SMUGGLER = "smuggler", _("Smuggler")
    FINANCIER = "financier", _("Financier")
    FACILITATOR = "facilitator", _("Facilitator")
    DOCUMENT_FORGER = "document_forger", _("Document forger")
    ORGANISER = "organiser", _("Organiser or leader")
    OTHER = "other", _("Other")


class ContactType(models.TextChoices):
    """Formal contact with the criminal justice system (UN-CTS, GLOTIP): suspected, arrested or cautioned."""

    SUSPECTED = "suspected", _("Suspected")
    ARRESTED = "arrested", _("Arrested")
    CAUTIONED = "cautioned", _("Cautioned")


class DecisionLevel(models.TextChoices):
    FIRST_INSTANCE = "first_instance", _("First instance")
    APPEAL = "appeal", _("Appeal")
    FINAL = "final", _("Final (supreme court)")


class Outcome(models.TextChoices):
    CONVICTED = "convicted", _("Convicted")
    CONVICTED_OTHER = "convicted_other", _("Convicted of another offence")
    ACQUITTED = "acquitted", _("Acquitted")
    DISMISSED = "dismissed", _("Dismissed")


CONVICTIONS = (Outcome.CONVICTED, Outcome.CONVICTED_OTHER)


class VictimRole(models.TextChoices):
    WITNESS = "witness", _("Witness")
    INJURED_PARTY = "injured_party", _("Injured party")
    CIVIL_PARTY = "civil_party", _("Civil party")
    NOT_INVOLVED = "not_involved", _("Not involved in the proceedings")


class ProtectionMeasure(models.TextChoices):
    ANONYMITY = "anonymity", _("Identity withheld (anonymous testimony)")
    VIDEO_LINK = "video_link", _("Testimony by video link")
    SCREEN = "screen", _("Screen in the courtroom")
    CLOSED_HEARING = "closed_hearing", _("Hearing closed to the public")
    PRE_RECORDED = "pre_recorded", _("Pre-recorded testimony")
    SUPPORT_PERSON = "support_person", _("Support person present")
    POLICE_PROTECTION = "police_protection", _("Police protection")
    RELOCATION = "relocation", _("Relocation")
    NO_CONTACT_ORDER = "no_contact_order", _("No-contact order against the defendant")
    INTERPRETER = "interpreter", _("Interpreter")
    REFLECTION_PERIOD = "reflection_period", _("Recovery and reflection period")


class TestimonyMode(models.TextChoices):
    NOT_YET = "not_yet", _("Not given yet")
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("By video")
    PRE_RECORDED = "pre_recorded", _("Pre-recorded")
    WRITTEN = "written", _("Written statement")
    NOT_REQUIRED = "not_required", _("Not required")


class HearingKind(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary hearing")
    TRIAL = "trial", _("Trial hearing")
    SENTENCING = "sentencing", _("Sentencing")
    APPEAL = "appeal", _("Appeal hearing")
    OTHER = "other", _("Other hearing")


class CooperationKind(models.TextChoices):
    MLA = "mla", _("Mutual legal assistance")
    EXTRADITION = "extradition", _("Extradition")
    JIT = "jit", _("Joint investigation team")


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing")
    INCOMING = "incoming", _("Incoming")


class CooperationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_COOPERATION = (CooperationStatus.DRAFT, CooperationStatus.SENT, CooperationStatus.IN_PROGRESS)


class IncidentLocation(models.TextChoices):
    """Where a smuggling incident happened (in the spirit of IOM's Missing Migrants Project)."""

    BORDER_CROSSING = "border_crossing", _("Border crossing")
    SEA = "sea", _("Sea")
    RIVER = "river", _("River")
    DESERT = "desert", _("Desert")
    MOUNTAINS = "mountains", _("Mountains")
    VEHICLE = "vehicle", _("In a vehicle")
    TRAIN = "train", _("Train or railway")
    AIRPORT = "airport", _("Airport")
    SAFE_HOUSE = "safe_house", _("Safe house or hiding place")
    URBAN = "urban", _("Town or city")
    OTHER = "other", _("Other")


class TransportMode(models.TextChoices):
    FOOT = "foot", _("On foot")
    CAR = "car", _("Car")
    TRUCK = "truck", _("Truck or lorry")
    BUS = "bus", _("Bus")
    BOAT = "boat", _("Boat")
    TRAIN = "train", _("Train")
    AIR = "air", _("Air")
    MIXED = "mixed", _("Several modes")
    UNKNOWN = "unknown", _("Unknown")


class Aggravation(models.TextChoices):
    """The aggravating circumstances of the Smuggling of Migrants Protocol (art. 6(3)) and national laws."""

    DEATH = "death", _("Death of migrants")
    DANGER_TO_LIFE = "danger_to_life", _("Danger to life or safety")
    INHUMAN_TREATMENT = "inhuman_treatment", _("Inhuman or degrading treatment")
    CHILDREN = "children", _("Children involved")
    ORGANISED_GROUP = "organised_group", _("Organised criminal group")
    PUBLIC_OFFICIAL = "public_official", _("Public official involved")
    WEAPONS = "weapons", _("Weapons used")


class AgeGroup(models.TextChoices):
    ADULT = "adult", _("Adult")
    CHILD = "child", _("Child")
    UNKNOWN = "unknown", _("Age unknown")


class MigrantSex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Sex unknown")
