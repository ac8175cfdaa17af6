"""The person registry (HTCDS Person): identifying values encrypted, statistical values plain."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipsom.core.bulk import insert_rows
from tipsom.core.codes import code_choices
from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedManager
from tipsom.core.registry import registry
from tipsom.people.keys import KIND_PREFIX, KIND_WORD, name_search_keys


def gender_choices() -> list[tuple[str, str]]:
    """HTCDS prs_Gender (NonSpecifiedUnknown is also the "unknown" answer)."""
    return code_choices("prs_Gender")


def education_choices() -> list[tuple[str, str]]:
    """HTCDS prs_HighestLevelOfEducation (ISCED 2011), with tipsom's no formal education and unknown."""
    return code_choices("prs_HighestLevelOfEducation")


GENDER_UNKNOWN = "NonSpecifiedUnknown"
EDUCATION_UNKNOWN = "Unknown"


class BirthDatePrecision(models.TextChoices):
    EXACT = "exact", _("Exact date")
    YEAR_MONTH = "year_month", _("Year and month")
    YEAR = "year", _("Year only")
    ESTIMATED = "estimated", _("Estimated year")


def _organization_scope(organization_id: int) -> models.Q:
    """Persons the organization registered, and those other apps open to it (`person_scopes` in the registry: the
    persons of cases it works on, such as a notified child protection agency's)."""
    scope = models.Q(owner_organization_id=organization_id)
    for extend in registry["person_scopes"]:
        extra = extend(organization_id)
        if extra is not None:
            scope |= extra
    return scope


class Person(models.Model):
    owner_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="persons", verbose_name=_("organization")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    gender = models.CharField(_("gender"), max_length=30, choices=gender_choices, default=GENDER_UNKNOWN)
    citizenships = models.JSONField(_("citizenships"), default=list, blank=True, help_text=_("ISO 3166-1 alpha-2."))
    languages = models.JSONField(_("languages"), default=list, blank=True, help_text=_("ISO 639 codes."))
    education = models.CharField(
        _("highest level of education"), max_length=40, choices=education_choices, default=EDUCATION_UNKNOWN
    )
    # ISO text: "1990-03-17", "1990-03" or "1990", as precise as it is known.
    birth_date = EncryptedTextField(_("birth date"))
    birth_date_precision = models.CharField(
        _("birth date precision"), max_length=12, choices=BirthDatePrecision.choices, blank=True
    )
    # Statistical: ages in reports come from the year alone, never from the encrypted date.
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    is_presumed_minor = models.BooleanField(
        _("presumed minor"), default=False, help_text=_("The age is unknown but the person may be a child.")
    )
    # Set when a reviewer merged this record into another (matching): its cases, names and history moved there and
    # it leaves the lists; undoing the merge clears it.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("merged into")
    )

    objects = RestrictedManager()

    permission_scopes = {
        "own": "created_by",
        "organization": _organization_scope,
        "national": "owner_organization__country",
    }

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["owner_organization", "-created_at"]), models.Index(fields=["birth_year"])]

    def __str__(self) -> str:
        return str(_("Person %(id)s") % {"id": self.pk})

    @property
    def primary_name(self) -> "PersonName | None":
        names = list(self.names.all())
        return next((n for n in names if n.kind == PersonName.Kind.PRIMARY), names[0] if names else None)


_PERSON_SCOPES = {
    "own": "person__created_by",
    "organization": lambda organization_id: models.Q(
        person__in=Person.objects.filter(_organization_scope(organization_id))
    ),
    "national": "person__owner_organization__country",
}


class PersonNameManager(RestrictedManager):
    """Names written in bulk (the services, a bulk import) get their search keys in the same transaction."""

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        created: list[Any] = super().bulk_create(objs, *args, **kwargs)
        name_search_keys_write(created, fresh=True)
        return created


class PersonName(models.Model):
    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary name")
        ALIAS = "alias", _("Alias")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PRIMARY)
    name = EncryptedTextField(_("name"))
    name_latin = EncryptedTextField(_("name in Latin letters"))
    script = models.CharField(_("script"), max_length=8, blank=True)
    # Blind indexes (people.keys): equality search without decrypting the registry.
    key_exact = models.CharField(max_length=40, db_index=True, blank=True, editable=False)
    key_latin = models.CharField(max_length=40, db_index=True, blank=True, editable=False)

    objects = PersonNameManager()
    permission_scopes = _PERSON_SCOPES

    class Meta:
        ordering = ["person", "-kind", "pk"]  # the primary name first
        verbose_name = _("person name")
        verbose_name_plural = _("person names")

    def __str__(self) -> str:
        return str(_("Name %(id)s") % {"id": self.pk})

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        name_search_keys_write([self])


class PersonNameKey(models.Model):
    """A blind-index key of a word, or of the beginning of a word, of a person's name (people.keys): what finds part
    of a name, in either script and any order, without decrypting the registry. Written with the name."""

    class Kind(models.TextChoices):
        WORD = KIND_WORD, _("Word")
        PREFIX = KIND_PREFIX, _("Beginning of a word")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    name = models.ForeignKey(PersonName, on_delete=models.CASCADE, related_name="search_keys")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    key = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("name search key")
        verbose_name_plural = _("name search keys")
        indexes = [models.Index(fields=["key", "name"], name="person_name_key")]
        constraints = [models.UniqueConstraint(fields=["name", "kind", "key"], name="person_name_key_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


def name_search_keys_write(names: Iterable[PersonName], *, fresh: bool = False) -> int:
    """(Re)write the search keys of saved names from their plain values in memory (`fresh`: names just inserted,
    which have none yet); returns how many keys were written."""
    names = [name for name in names if name.pk is not None]
    if not names:
        return 0
    if not fresh:
        PersonNameKey.objects.filter(name__in=[name.pk for name in names]).delete()
    rows = (
        (name.person_id, name.pk, kind, key)
        for name in names
        for kind, key in sorted(name_search_keys(name.name, name.name_latin))
    )
    return insert_rows(PersonNameKey, ("person", "name", "kind", "key"), rows)


class PersonContact(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")
        ADDRESS = "address", _("Address")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = EncryptedTextField(_("value"))

    objects = RestrictedManager()
    permission_scopes = _PERSON_SCOPES

    class Meta:
        ordering = ["person", "pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return str(_("Contact %(id)s") % {"id": self.pk})


class PersonDocument(models.Model):
    class DocumentType(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        NATIONAL_ID = "national_id", _("National identity card")
        BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
        RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)
    number = EncryptedTextField(_("number"))
    issuing_country = models.CharField(_("issuing country"), max_length=2, blank=True)
    key_number = models.CharField(max_length=40, db_index=True, blank=True, editable=False)

    objects = RestrictedManager()
    permission_scopes = _PERSON_SCOPES

    class Meta:
        ordering = ["person", "pk"]
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")

    def __str__(self) -> str:
        return str(_("Document %(id)s") % {"id": self.pk})
