"""The screens of blocked numbers, the quality review and the statistics tried as anonymous, unpermitted, another
organization's and permitted users (accounts.testing.AccessCase): a helpline's blocks and reviews are its own; the
statistics count the supervisor's helpline, or the national coordinator's country."""

from __future__ import annotations

from typing import Any

from tipsom.accounts.testing import AccessCase
from tipsom.helpline.models import BlockedNumber, Contact, ContactReview
from tipsom.helpline.services import contact_close
from tipsom.helpline.testing import make_blocked_number, make_contact, make_operator
from tipsom.organizations.models import Organization

OPERATOR, SUPERVISOR = "helpline_operator", "helpline_supervisor"
REASON = {"reason": "To give the number to the police"}
CALL: dict[str, Any] = {
    "caller_name": "Zé Ninguém",
    "caller_number": "+5511999988889",
    "summary": "A tip about a farm.",
}


def _closed_contact(organization: Organization) -> Contact:
    operator = make_operator(organization)
    contact = make_contact(actor=operator, **CALL)
    return contact_close(actor=operator, contact_id=contact.pk)


class _BlockCase(AccessCase):
    model = BlockedNumber
    method = "post"

    def make_object(self, organization: Organization) -> BlockedNumber:
        return make_blocked_number(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


# --- Blocked numbers ------------------------------------------------------------------------------------------------
class TestBlocks(AccessCase):
    url_name = "helpline:blocks"
    permitted_role = OPERATOR

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b"Blocked numbers" in response.content


class TestBlockCreate(AccessCase):
    url_name = "helpline:block_create"
    permitted_role = OPERATOR
    method = "post"
    permitted_status = 302

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"number": "+5511999988889", "reason": "abuse", "duration": "24h"}


class TestBlockLift(_BlockCase):
    url_name = "helpline:block_lift"
    permitted_role = SUPERVISOR
    permitted_status = 302

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert BlockedNumber.objects.get(pk=obj.pk).lifted_at is not None


class TestBlockReveal(_BlockCase):
    url_name = "helpline:block_reveal"
    permitted_role = OPERATOR

    def payload(self, obj: Any) -> dict[str, Any]:
        return REASON

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b"+923001112233" in response.content


class TestContactBlock(AccessCase):
    url_name = "helpline:contact_block"
    permitted_role = OPERATOR
    model = Contact
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> Contact:
        return make_contact(actor=make_operator(organization), **CALL)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"reason": "abuse", "duration": "24h"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert BlockedNumber.objects.filter(number_index=obj.caller_number_index).exists()


# --- Quality review -------------------------------------------------------------------------------------------------
class TestReviews(AccessCase):
    url_name = "helpline:reviews"
    permitted_role = SUPERVISOR

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b"Quality review" in response.content


class TestReviewList(AccessCase):
    url_name = "helpline:review_list"
    permitted_role = OPERATOR


class TestReviewContact(AccessCase):
    url_name = "helpline:review_contact"
    permitted_role = SUPERVISOR
    model = ContactReview

    def make_object(self, organization: Organization) -> Contact:
        return _closed_contact(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b'name="score"' in response.content


class TestReviewContactPost(TestReviewContact):
    url_name = "helpline:review_contact"
    method = "post"
    permitted_status = 302

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"score": "5", "criterion_greeting": "yes"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert ContactReview.objects.get(contact=obj).score == 5


# --- Statistics -----------------------------------------------------------------------------------------------------
class TestStats(AccessCase):
    url_name = "helpline:stats"
    permitted_role = SUPERVISOR

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b"Helpline statistics" in response.content and b'data-scope="organization"' in response.content


class TestStatsNational(AccessCase):
    url_name = "helpline:stats"
    permitted_role = "national_coordinator"
    scope = "national"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b'data-scope="national"' in response.content


class TestStatsExport(AccessCase):
    url_name = "helpline:stats_export"
    permitted_role = SUPERVISOR

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response["Content-Type"].startswith("text/csv")


class TestStatsExportNational(TestStatsExport):
    url_name = "helpline:stats_export"
    permitted_role = "national_coordinator"
    scope = "national"
