"""The helpline: contacts (calls, messages, web tips, walk-ins), the callbacks owed to callers who agreed to be
called back, supervisors' quality reviews of contacts, and numbers blocked for abuse.

A contact belongs to the helpline organization that took it and is seen by its operators only (organization
scope). The case page's Contacts tab shows the contacts linked to a case, without any caller data, to whoever may
see the case. Caller data (name, numbers, safe times, code word, notes that may name people) is IDENTIFYING:
encrypted, masked, revealed only through an audited act; the caller's number is found again (a repeat caller, a
blocked number) through its blind index only. An anonymous contact keeps no caller data at all, and a non-data
contact (silent, hang-up, wrong number, prank) keeps only its channel, direction, time, duration and type."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedManager


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("Email")
    WEB_FORM = "web_form", _("Web form")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter")


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class ContactType(models.TextChoices):
    VICTIM = "victim", _("About a possible victim")
    TIP = "tip", _("A tip about a place or person")
    INFORMATION = "information", _("A request for information")
    SILENT = "silent", _("Silent")
    HANG_UP = "hang_up", _("Hang-up")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    PRANK = "prank", _("Prank")


# Counted, never described: such a contact keeps its channel, direction, time, duration and type only.
NON_DATA_TYPES = frozenset({ContactType.SILENT, ContactType.HANG_UP, ContactType.WRONG_NUMBER, ContactType.PRANK})


class CallerRole(models.TextChoices):
    SELF = "self", _("The person themself")
    FAMILY = "family", _("A family member")
    THIRD_PARTY = "third_party", _("A third party")
    ANONYMOUS = "anonymous", _("Anonymous")


class Urgency(models.TextChoices):
    """The triage of a contact. The values are the referrals' urgencies (referrals.models.Urgency), so a referral
    from the contact starts with the same: immediate danger is an emergency referral."""

    EMERGENCY = "emergency", _("Immediate danger")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


# The queue's order: immediate danger on top, then urgent, then routine; the oldest first within each.
QUEUE_RANK = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}


class AgeGroup(models.TextChoices):
    CHILD = "child", _("Child")
    ADULT = "adult", _("Adult")
    UNKNOWN = "unknown", _("Not known")


class ContactStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ContactAction(models.TextChoices):
    INFORMATION_GIVEN = "information_given", _("Information given")
    REFERRED_POLICE = "referred_police", _("Referred to the police")
    REFERRED_SERVICE = "referred_service", _("Referred to a service of the directory")
    CASE_OPENED = "case_opened", _("Case opened")
    CASE_LINKED = "case_linked", _("Linked to an existing case")


# The actions an operator ticks; the others are recorded by the steps that do them (opening a case, referring).
TICKED_ACTIONS = (ContactAction.INFORMATION_GIVEN, ContactAction.REFERRED_POLICE)


class ContactNumberCounter(models.Model):
    """The last contact number given per country and year; the row is locked while a number is taken."""

    country = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country", "year"], name="helpline_counter_unique")]

    def __str__(self) -> str:
        return f"{self.country}-HL-{self.year}: {self.last}"


class Contact(models.Model):
    owner_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("helpline")
    )
    country = models.CharField(_("country"), max_length=2, editable=False)
    reference = models.CharField(_("contact number"), max_length=24, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INCOMING)
    started_at = models.DateTimeField(_("time"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    contact_type = models.CharField(_("type of contact"), max_length=14, choices=ContactType.choices)
    caller_role = models.CharField(_("who contacted"), max_length=12, choices=CallerRole.choices, blank=True)
    language = models.CharField(_("language"), max_length=3, blank=True, help_text=_("ISO 639-2/3."))
    # The caller: IDENTIFYING, empty for an anonymous or a non-data contact.
    caller_name = EncryptedTextField(_("caller's name"))
    caller_number = EncryptedTextField(_("caller's number"))
    caller_number_index = models.CharField(max_length=40, blank=True, editable=False)
    caller_email = EncryptedTextField(_("caller's email or other address"))
    # The safe-callback protocol, only with the caller's consent to be contacted back.
    callback_consent = models.BooleanField(_("agrees to be contacted back"), default=False)
    callback_number = EncryptedTextField(_("safe number"))
    callback_safe_times = EncryptedTextField(_("safe times"))
    callback_code_word = EncryptedTextField(_("code word"))
    callback_no_message = models.BooleanField(_("never leave a message"), default=False)
    # Whom the contact is about (coded), where, and what was said (free text that may name people: encrypted).
    subject_age_group = models.CharField(
        _("age of the person concerned"), max_length=8, choices=AgeGroup.choices, blank=True
    )
    subject_gender = models.CharField(_("sex of the person concerned"), max_length=30, blank=True)
    subject_count = models.PositiveSmallIntegerField(_("persons concerned"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=10, blank=True, help_text=_("ISO 3166-2."))
    place = EncryptedTextField(_("place"))
    summary = EncryptedTextField(_("summary"))
    # HTCDS categories and the trafficking screening (the case screening's act, means and purpose).
    acts = models.JSONField(_("act"), default=list, blank=True)
    means_of_control = models.JSONField(_("means of control"), default=list, blank=True)
    exploitation_types = models.JSONField(_("forms of exploitation"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    recommendation = models.CharField(_("screening recommendation"), max_length=24, blank=True)
    # Triage and what was done.
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    queue_rank = models.PositiveSmallIntegerField(default=QUEUE_RANK[Urgency.ROUTINE], editable=False)
    status = models.CharField(_("status"), max_length=8, choices=ContactStatus.choices, default=ContactStatus.OPEN)
    actions = models.JSONField(_("actions taken"), default=list, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    # The victim case opened from the contact or linked to it, and the referrals made from it.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("case")
    )
    referrals = models.ManyToManyField("referrals.Referral", blank=True, related_name="+")
    # Contacts about the same situation (a repeat caller, the same tip by phone and web) share the situation of
    # the first of them: its id (that contact's own `situation` points to itself once another joins it).
    situation = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("situation")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {"own": "created_by", "organization": "owner_organization", "national": "country"}

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("helpline contact")
        verbose_name_plural = _("helpline contacts")
        constraints = [models.UniqueConstraint(fields=["country", "reference"], name="helpline_contact_reference")]
        indexes = [
            # The queue: a helpline's open contacts, immediate danger first, the oldest first within a rank.
            models.Index(fields=["owner_organization", "status", "queue_rank", "id"], name="helpline_queue"),
            # The contact list, newest first, and by time of contact; an operator's own open contacts.
            models.Index(fields=["owner_organization", "-id"], name="helpline_org_newest"),
            models.Index(fields=["owner_organization", "started_at"], name="helpline_org_started"),
            models.Index(fields=["assigned_to", "status", "queue_rank", "id"], name="helpline_assigned"),
            # A repeat caller, a blocked number: the number's blind index within the helpline.
            models.Index(fields=["owner_organization", "caller_number_index"], name="helpline_caller"),
            models.Index(fields=["case"], name="helpline_case"),
            models.Index(fields=["situation"], name="helpline_situation"),
            models.Index(fields=["country", "started_at"], name="helpline_country_started"),
            # The list's filters on a coded column, newest first: a rare value (letters, pranks, immediate danger)
            # is read from its own index instead of walking the helpline's contacts (bench/README.md, issue 14).
            models.Index(fields=["owner_organization", "channel", "id"], name="helpline_org_channel"),
            models.Index(fields=["owner_organization", "contact_type", "id"], name="helpline_org_type"),
            # Open (or closed) contacts of one type: the type's index alone would read every contact of the type.
            models.Index(
                fields=["owner_organization", "status", "contact_type", "id"], name="helpline_org_status_type"
            ),
            models.Index(fields=["owner_organization", "urgency", "id"], name="helpline_org_urgency"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_data(self) -> bool:
        return self.contact_type not in NON_DATA_TYPES

    @property
    def is_anonymous(self) -> bool:
        return self.caller_role == CallerRole.ANONYMOUS

    @property
    def is_open(self) -> bool:
        return self.status == ContactStatus.OPEN


class CallbackStatus(models.TextChoices):
    PENDING = "pending", _("Due")
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    UNSAFE = "unsafe", _("Not safe to talk")
    CANCELLED = "cancelled", _("Cancelled")


class Callback(models.Model):
    """A call back owed to a caller who agreed to it, at a time the safe-callback protocol allows."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="callbacks")
    owner_organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    country = models.CharField(max_length=2, editable=False)
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(
        _("status"), max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.PENDING
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = EncryptedTextField(_("note"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {"own": "created_by", "organization": "owner_organization", "national": "country"}

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        indexes = [
            models.Index(fields=["owner_organization", "status", "due_at", "id"], name="callback_due"),
            models.Index(fields=["assigned_to", "status", "due_at"], name="callback_assigned"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.due_at:%Y-%m-%d %H:%M}"


class ContactReview(models.Model):
    """A supervisor's quality-assurance review of one contact of a sample: a score, the criteria met and comments
    (which may name people: encrypted)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="reviews")
    owner_organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    country = models.CharField(max_length=2, editable=False)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True, help_text=_("1 to 5."))
    # {criterion code: met?}, the criteria the supervisor checked.
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    comments = EncryptedTextField(_("comments"))
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {"own": "created_by", "organization": "owner_organization", "national": "country"}

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("contact review")
        verbose_name_plural = _("contact reviews")
        indexes = [
            models.Index(fields=["owner_organization", "-id"], name="review_org_newest"),
            models.Index(fields=["contact"], name="review_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.score}"


class BlockReason(models.TextChoices):
    ABUSE = "abuse", _("Abusive or insulting")
    PRANK = "prank", _("Repeated pranks")
    THREATS = "threats", _("Threats")
    SPAM = "spam", _("Spam or automated calls")
    OTHER = "other", _("Other")


class BlockedNumber(models.Model):
    """A number a helpline blocks until a time (24 hours, or longer by a supervisor). Found by the blind index of
    its normalised form (helpline.numbers.number_index); the number itself is kept encrypted for the supervisor."""

    owner_organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    country = models.CharField(max_length=2, editable=False)
    number = EncryptedTextField(_("number"))
    number_index = models.CharField(max_length=40, editable=False)
    until = models.DateTimeField(_("blocked until"))
    reason = models.CharField(_("reason"), max_length=10, choices=BlockReason.choices)
    note = EncryptedTextField(_("note"))
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {"own": "created_by", "organization": "owner_organization", "national": "country"}

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("blocked number")
        verbose_name_plural = _("blocked numbers")
        indexes = [
            models.Index(fields=["owner_organization", "number_index", "until"], name="blocked_lookup"),
            models.Index(fields=["owner_organization", "-id"], name="blocked_org_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_organization_id}: {self.until:%Y-%m-%d}"
