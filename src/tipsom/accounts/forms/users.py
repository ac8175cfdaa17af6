"""Forms of the user administration screens. They parse input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tipsom.accounts.models import User
from tipsom.accounts.selectors import role_list
from tipsom.core.forms import form_choice_field
from tipsom.core.permissions import scope_allows_organization
from tipsom.organizations.models import Organization
from tipsom.organizations.selectors import organization_list


def organizations_for_users(actor: User, action: str) -> Any:
    """The organizations whose users the actor may `action` (add, change): the choices of a user form."""
    visible = organization_list(user=actor).only("pk", "name", "country")
    allowed = [org.pk for org in visible if scope_allows_organization(actor, action, User, org)]
    return Organization.objects.filter(pk__in=allowed).order_by("name")


class _UserFieldsForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email"), required=False)
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=role_list().prefetch_related(None),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    action = "change"

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations_for_users(actor, self.action)


class UserCreateForm(_UserFieldsForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The user changes it after signing in."),
    )

    field_order = ["username", "full_name", "email", "phone", "organization", "roles", "password"]
    action = "add"


class UserEditForm(_UserFieldsForm):
    phone = forms.CharField(
        label=_("New phone"),
        max_length=32,
        required=False,
        help_text=_("Leave empty to keep the current number (it is not shown here)."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)
    preferred_language = forms.ChoiceField(label=_("Preferred language"), required=False)

    field_order = ["full_name", "email", "phone", "organization", "roles", "preferred_language", "is_active"]

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        form_choice_field(self, "preferred_language").choices = [("", _("Browser's choice")), *settings.LANGUAGES]

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        """The current values, never the IDENTIFYING ones (the phone is revealed only through an audited act)."""
        return {
            "full_name": user.full_name,
            "email": user.email,
            "organization": user.organization_id,
            "roles": list(user.roles.all()),
            "preferred_language": user.preferred_language,
            "is_active": user.is_active,
        }

    def service_data(self) -> dict[str, Any]:
        """The `data` for services.user_update: the phone only when a new one was typed."""
        data = {name: self.cleaned_data[name] for name in ("full_name", "email", "organization", "is_active")}
        data["preferred_language"] = self.cleaned_data["preferred_language"]
        if self.cleaned_data["phone"].strip():
            data["phone"] = self.cleaned_data["phone"]
        return data


class RevealForm(forms.Form):
    # The service checks the reason (so the rule lives in one place); the form only carries it.
    reason = forms.CharField(
        label=_("Why do you need to see it?"),
        max_length=500,
        required=False,
        help_text=_("Your reason is kept in the audit log."),
    )
