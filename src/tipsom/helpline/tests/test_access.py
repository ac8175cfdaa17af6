"""Every helpline screen and endpoint tried as anonymous, unpermitted, another organization's and permitted users
(accounts.testing.AccessCase). Contacts are their helpline's only; the case page's Contacts tab is the case's."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from tipsom.accounts.testing import AccessCase
from tipsom.cases.models import Case
from tipsom.cases.testing import make_case
from tipsom.helpline.models import Callback, Contact
from tipsom.helpline.testing import make_callback, make_contact, make_operator
from tipsom.organizations.models import Organization

OPERATOR = "helpline_operator"
CALLBACK = {"callback_consent": True, "callback_number": "+5511999988889", "caller_name": "Zé Ninguém"}


def _contact(organization: Organization, **fields: Any) -> Contact:
    return make_contact(actor=make_operator(organization), **fields)


class _ContactCase(AccessCase):
    permitted_role = OPERATOR
    model = Contact

    def make_object(self, organization: Organization) -> Contact:
        return _contact(organization, **CALLBACK)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


# --- Screens ------------------------------------------------------------------------------------------------------
class TestQueue(AccessCase):
    url_name = "helpline:queue"
    permitted_role = OPERATOR

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b"Helpline queue" in response.content


class TestList(AccessCase):
    url_name = "helpline:list"
    permitted_role = OPERATOR


class TestCreate(AccessCase):
    url_name = "helpline:create"
    permitted_role = OPERATOR


class TestCreatePost(AccessCase):
    url_name = "helpline:create"
    permitted_role = OPERATOR
    method = "post"
    permitted_status = 302

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "contact_type": "information",
            "channel": "phone",
            "direction": "incoming",
            "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "caller_role": "self",
            "urgency": "routine",
        }


class TestFormSections(AccessCase):
    url_name = "helpline:form_sections"
    permitted_role = OPERATOR
    method = "post"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"contact_type": "victim"}


class TestDetail(_ContactCase):
    url_name = "helpline:detail"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert obj.reference.encode() in response.content
        assert "Zé Ninguém".encode() not in response.content  # masked until revealed


class TestEdit(_ContactCase):
    url_name = "helpline:edit"


class TestEditPost(_ContactCase):
    url_name = "helpline:edit"
    method = "post"
    permitted_status = 302

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "contact_type": "victim",
            "channel": "phone",
            "direction": "incoming",
            "started_at": timezone.localtime(obj.started_at).strftime("%Y-%m-%dT%H:%M"),
            "caller_role": "third_party",
            "callback_consent": "on",
            "urgency": "urgent",
            "editing": "1",
        }


class TestReveal(_ContactCase):
    url_name = "helpline:reveal"
    method = "post"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"reason": "to call the caller back about the tip"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert "Zé Ninguém".encode() in response.content


class TestAssign(_ContactCase):
    url_name = "helpline:assign"
    method = "post"
    permitted_status = 302

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"take": "1"}


class TestClose(_ContactCase):
    url_name = "helpline:close"
    method = "post"
    permitted_status = 302


class TestLink(_ContactCase):
    url_name = "helpline:link"
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> Contact:
        first = _contact(organization)
        second = _contact(organization)
        second.other_reference = first.reference  # type: ignore[attr-defined]
        return second

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"other": obj.other_reference}


class TestCaseOpen(_ContactCase):
    url_name = "helpline:case_open"


class TestCaseOpenPost(_ContactCase):
    url_name = "helpline:case_open"
    method = "post"
    permitted_status = 302

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "name": "Joaquim Teste Acesso",
            "gender": "Masculine",
            "birth_date": "1990",
            "case_type": "tip",
            "identified_on": timezone.localdate().isoformat(),
            "data_processing": "given",
            "given_by": "person",
            "match_ack": "1",
        }


class TestCaseLink(_ContactCase):
    url_name = "helpline:case_link"
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> Contact:
        contact = _contact(organization)
        contact.case_number = make_case(organization).case_number  # type: ignore[attr-defined]
        return contact

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"case": obj.case_number}


class TestRefer(_ContactCase):
    """The refer form: a service that does not exist answers the page with the form's error (400) to the
    permitted; the others never reach it."""

    url_name = "helpline:refer"
    method = "post"
    permitted_status = 400

    def make_object(self, organization: Organization) -> Contact:
        contact = _contact(organization)
        case = make_case(organization)
        Contact.objects.filter(pk=contact.pk).update(case=case)
        return contact

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"service": "999999", "urgency": "routine"}


class TestCallbackSchedule(_ContactCase):
    url_name = "helpline:callback_schedule"
    method = "post"
    permitted_status = 302

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"due_at": (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")}


class TestCallbackComplete(AccessCase):
    url_name = "helpline:callback_complete"
    permitted_role = OPERATOR
    method = "post"
    permitted_status = 302
    model = Callback

    def make_object(self, organization: Organization) -> Callback:
        return make_callback(_contact(organization, **CALLBACK))

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"outcome": "reached"}


class TestCaseContactsTab(AccessCase):
    """The case page's tab: whoever may see the case (its case manager), not the helpline's permission."""

    url_name = "cases:contacts"
    permitted_role = "case_manager"
    model = Case

    def make_object(self, organization: Organization) -> Case:
        case = make_case(organization)
        contact = _contact(organization, **CALLBACK)
        Contact.objects.filter(pk=contact.pk).update(case=case)
        case.contact_reference = contact.reference  # type: ignore[attr-defined]
        return case

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert obj.contact_reference.encode() in response.content
        assert "Zé Ninguém".encode() not in response.content


# --- API ----------------------------------------------------------------------------------------------------------
class TestApiList(AccessCase):
    url_name = "api:helpline-contact-list"
    permitted_role = OPERATOR


class TestApiQueue(AccessCase):
    url_name = "api:helpline-contact-queue"
    permitted_role = OPERATOR


class TestApiCreate(AccessCase):
    url_name = "api:helpline-contact-list"
    permitted_role = OPERATOR
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"contact_type": "tip", "caller_role": "anonymous", "channel": "web_form"}


class TestApiDetail(_ContactCase):
    url_name = "api:helpline-contact-detail"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["caller"]["caller_name"] == "••••••"


class TestApiUpdate(_ContactCase):
    url_name = "api:helpline-contact-detail"
    method = "patch"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "urgency": "urgent"}


class TestApiReveal(_ContactCase):
    url_name = "api:helpline-contact-reveal"
    method = "post"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"reason": "to call the caller back about the tip"}


class TestApiAssign(_ContactCase):
    url_name = "api:helpline-contact-assign"
    method = "post"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"assignee": None}


class TestApiClose(_ContactCase):
    url_name = "api:helpline-contact-close"
    method = "post"


class TestApiReopen(_ContactCase):
    url_name = "api:helpline-contact-reopen"
    method = "post"

    def make_object(self, organization: Organization) -> Contact:
        contact = _contact(organization)
        Contact.objects.filter(pk=contact.pk).update(status="closed")
        return contact


class TestApiLink(TestLink):
    url_name = "api:helpline-contact-link"
    permitted_status = 200


class TestApiLinkCase(TestCaseLink):
    url_name = "api:helpline-contact-link-case"
    permitted_status = 200


class TestApiPromote(_ContactCase):
    url_name = "api:helpline-contact-promote"
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {
            "person": {"names": [{"name": "Joaquim Teste Api"}], "gender": "Masculine"},
            "consents": [{"purpose": "data_processing", "given": True, "given_by": "person"}],
        }


class TestApiRefer(_ContactCase):
    url_name = "api:helpline-contact-refer"
    method = "post"
    permitted_status = 400

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"service_id": 999999}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["code"] == "no_case"
