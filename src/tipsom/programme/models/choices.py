"""The programme's code lists: activity types, GLO.ACT's six pillars, the 4Ps, practitioners' sectors, IATI codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActivityType(models.TextChoices):
    TRAINING = "training", _("Training")
    WORKSHOP = "workshop", _("Workshop")
    MEETING = "meeting", _("Meeting")
    CONFERENCE = "conference", _("Conference")
    CAMPAIGN = "campaign", _("Awareness campaign")
    TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance")
    LEGISLATIVE_REVIEW = "legislative_review", _("Legislative review")
    STUDY_VISIT = "study_visit", _("Study visit")
    EQUIPMENT = "equipment", _("Equipment")


# The types whose participants are practitioners learning something (counted as "trained").
LEARNING_TYPES = (ActivityType.TRAINING, ActivityType.WORKSHOP, ActivityType.STUDY_VISIT)
# The types that are regional cooperation: meetings and exchanges between countries.
COOPERATION_TYPES = (ActivityType.MEETING, ActivityType.CONFERENCE, ActivityType.STUDY_VISIT)


class Pillar(models.IntegerChoices):
    """GLO.ACT's six pillars (../shared/reference/glo-act.md)."""

    STRATEGY = 1, _("Strategy and policy development")
    LEGISLATION = 2, _("Legislative assistance")
    CAPACITY = 3, _("Capacity building")
    COOPERATION = 4, _("Regional and trans-regional cooperation")
    PROTECTION = 5, _("Protection and assistance to victims of trafficking and smuggled migrants")
    CHILDREN = 6, _("Assistance and support to children among victims and smuggled migrants")


class FourP(models.TextChoices):
    PREVENTION = "prevention", _("Prevention")
    PROTECTION = "protection", _("Protection")
    PROSECUTION = "prosecution", pgettext_lazy("the 4Ps", "Prosecution")
    PARTNERSHIP = "partnership", _("Partnership")


class Sector(models.TextChoices):
    """The practitioners a training reaches (also an activity's target groups)."""

    POLICE = "police", _("Police")
    PROSECUTORS = "prosecutors", _("Prosecutors")
    JUDGES = "judges", _("Judges")
    LABOUR_INSPECTORS = "labour_inspectors", _("Labour inspectors")
    SOCIAL_WORKERS = "social_workers", _("Social workers")
    PSYCHOLOGISTS = "psychologists", _("Psychologists")
    HEALTH = "health", _("Health professionals")
    EDUCATION = "education", _("Educators")
    BORDER = "border_immigration", _("Border and immigration officers")
    CHILD_PROTECTION = "child_protection", _("Child protection services")
    FAMILY_DEFENDERS = "family_defenders", _("Family defenders")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    MEDIA = "media", _("Media")
    GOVERNMENT = "government", _("Government officials")
    ACADEMIA = "academia", _("Academia")
    OTHER = "other", _("Other")


class ParticipantSex(models.TextChoices):
    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Not stated")


class Topic(models.TextChoices):
    TIP = "tip", _("Trafficking in persons")
    SOM = "som", _("Smuggling of migrants")
    IDENTIFICATION = "identification", _("Identification of victims")
    REFERRAL = "referral", _("Referral and assistance")
    CHILD_VICTIMS = "child_victims", _("Child victims")
    INVESTIGATION = "investigation", _("Investigation")
    PROSECUTION = "prosecution", _("Prosecution and adjudication")
    LEGISLATION = "legislation", _("Legislation")
    FORCED_LABOUR = "forced_labour", _("Forced labour")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    ORGAN_REMOVAL = "organ_removal", _("Organ removal")
    GENDER = "gender", _("Gender")
    DATA = "data", _("Data collection and analysis")
    COOPERATION = "cooperation", _("International cooperation")


class Channel(models.TextChoices):
    """An awareness campaign's channels and media."""

    TELEVISION = "television", _("Television")
    RADIO = "radio", _("Radio")
    PRINT = "print", _("Newspapers and magazines")
    SOCIAL_MEDIA = "social_media", _("Social media")
    OUTDOOR = "outdoor", _("Billboards and posters")
    EVENTS = "events", _("Public events")
    SCHOOLS = "schools", _("Schools and universities")
    SMS = "sms", _("Text messages")
    LEAFLETS = "leaflets", _("Leaflets")
    OTHER = "other", _("Other")


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up action", "Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ResultLevel(models.TextChoices):
    """IATI's result types: 1 output, 2 outcome, 3 impact."""

    IMPACT = "impact", pgettext_lazy("result level", "Impact")
    OUTCOME = "outcome", pgettext_lazy("result level", "Outcome")
    OUTPUT = "output", pgettext_lazy("result level", "Output")


IATI_RESULT_TYPE = {ResultLevel.OUTPUT: "1", ResultLevel.OUTCOME: "2", ResultLevel.IMPACT: "3"}


class Measure(models.TextChoices):
    """IATI's IndicatorMeasure: 1 unit, 2 percentage, 5 qualitative (nominal and ordinal are not used)."""

    UNIT = "1", _("Number")
    PERCENTAGE = "2", _("Percentage")
    QUALITATIVE = "5", _("Qualitative")


class IndicatorSource(models.TextChoices):
    """Where an indicator's actual values come from."""

    ACTIVITIES = "activities", _("Computed from the programme's activities")
    STATISTICS = "statistics", _("Computed from tipsom's statistics")
    MANUAL = "manual", _("Entered by hand, with evidence")


class ReviewStatus(models.TextChoices):
    """A value or report entered by hand: draft, submitted for review, then approved (locked) or returned."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")


class TransactionType(models.TextChoices):
    """IATI 2.03 TransactionType codes used by grants."""

    INCOMING = "1", _("Incoming funds")
    COMMITMENT = "2", _("Outgoing commitment")
    DISBURSEMENT = "3", _("Disbursement")
    EXPENDITURE = "4", _("Expenditure")


DISAGGREGATIONS = ("sex", "sector", "region")
