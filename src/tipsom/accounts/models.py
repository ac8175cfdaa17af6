"""Users, the roles they hold and the permissions (as data) that roles grant."""

from collections.abc import Callable

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import ACTIONS, SCOPES, RestrictedQuerySet


class ObjectPermission(models.Model):
    """Allows `actions` on records of `object_types` within `scope` (own, my organization, national, all countries)."""

    class Scope(models.TextChoices):
        OWN = "own", _("Own records")
        ORGANIZATION = "organization", _("My organization")
        NATIONAL = "national", _("National")
        GLOBAL = "global", _("All countries")

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    object_types = models.JSONField(_("object types"), help_text=_("Model labels, such as organizations.organization."))
    actions = models.JSONField(_("actions"))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("permission")
        verbose_name_plural = _("permissions")

    def __str__(self) -> str:
        return self.name

    @property
    def display_description(self) -> str:
        from tipsom.accounts.roles import SEEDED_PERMISSION_TEXT

        return str(SEEDED_PERMISSION_TEXT.get(self.name, self.description))

    def clean(self) -> None:
        from django.apps import apps

        if not isinstance(self.actions, list) or not self.actions or set(self.actions) - set(ACTIONS):
            raise ValidationError({"actions": _("Choose one or more of: %s.") % ", ".join(ACTIONS)})
        if not isinstance(self.object_types, list) or not self.object_types:
            raise ValidationError({"object_types": _("Name at least one object type.")})
        known = {model._meta.label_lower for model in apps.get_models()}
        unknown = [label for label in self.object_types if label not in known]
        if unknown:
            raise ValidationError({"object_types": _("Unknown object types: %s.") % ", ".join(unknown)})
        if self.scope not in SCOPES:
            raise ValidationError({"scope": _("Unknown scope.")})


class Role(models.Model):
    slug = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    permissions = models.ManyToManyField(ObjectPermission, related_name="roles", blank=True)
    requires_2fa = models.BooleanField(
        _("requires two-factor authentication"),
        default=False,
        help_text=_("Roles that may reveal identifying data always require it."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return str(self.display_name)

    @property
    def display_name(self) -> str:
        from tipsom.accounts.roles import SEEDED_ROLE_TEXT

        return str(SEEDED_ROLE_TEXT[self.slug][0]) if self.slug in SEEDED_ROLE_TEXT else self.name

    @property
    def display_description(self) -> str:
        from tipsom.accounts.roles import SEEDED_ROLE_TEXT

        return str(SEEDED_ROLE_TEXT[self.slug][1]) if self.slug in SEEDED_ROLE_TEXT else self.description


class UserManager(BaseUserManager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(username__iexact=username)


class User(AbstractBaseUser):
    """A person who works in tipsom for one organization. Staff accounts, not the victims in the registry."""

    username = models.CharField(_("username"), max_length=150, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = EncryptedTextField(_("phone"))
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("organization"),
        null=True,
        blank=True,
    )
    roles = models.ManyToManyField(Role, related_name="users", blank=True, verbose_name=_("roles"))
    is_active = models.BooleanField(_("active"), default=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()
    # Set on the request's user by django_otp's OTPMiddleware: whether this session passed the second factor.
    is_verified: Callable[[], bool]

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    permission_scopes = {
        "own": "pk",
        "organization": "organization",
        "national": "organization__country",
    }

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.username

    @property
    def country(self) -> str | None:
        organization = self.organization
        return organization.country if organization is not None else None

    def role_slugs(self) -> list[str]:
        return [role.slug for role in self.roles.all()]
