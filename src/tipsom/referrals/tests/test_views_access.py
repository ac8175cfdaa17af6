"""Who reaches each referral and transfer screen (anonymous, unpermitted, another organization, permitted),
and the Referrals tab of the case page with its forms."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tipsom.accounts.testing import AccessCase, make_user
from tipsom.organizations.testing import make_organization
from tipsom.referrals.models import Referral, State, Transfer
from tipsom.referrals.services import referral_accept, referral_send, transfer_request
from tipsom.referrals.testing import make_service
from tipsom.referrals.tests.factories import give_consent, make_case

SENDER_ONLY = "Texto que só o remetente vê"


def case_of(organization: Any) -> Any:
    """A consented case of `organization`, registered by one of its case managers."""
    manager = make_user(organization, roles=("case_manager",))
    case = make_case(manager, organization)
    give_consent(manager, case)
    case.refresh_from_db()
    return case


def referral_from(organization: Any) -> Referral:
    """A referral `organization` sent (its case) to a shelter of another organization of the country."""
    case = case_of(organization)
    service = make_service(make_organization(organization.country))
    return referral_send(
        actor=case.created_by, case_id=case.pk, service_id=service.pk, sections=["identity"], message=SENDER_ONLY
    )


def referral_to(organization: Any, *, accepted: bool = False) -> Referral:
    """A referral another organization of the country sent to a shelter of `organization`."""
    case = case_of(make_organization(organization.country))
    service = make_service(organization)
    referral = referral_send(actor=case.created_by, case_id=case.pk, service_id=service.pk, sections=["identity"])
    if accepted:
        receiver = make_user(organization, roles=("case_manager",))
        referral = referral_accept(actor=receiver, referral_id=referral.pk)
    return referral


def transfer_from(organization: Any) -> Transfer:
    case = case_of(organization)
    target = make_organization(organization.country)
    return transfer_request(actor=case.created_by, case_id=case.pk, to_organization_id=target.pk, reason="Moving city")


def transfer_to(organization: Any) -> Transfer:
    case = case_of(make_organization(organization.country))
    return transfer_request(
        actor=case.created_by, case_id=case.pk, to_organization_id=organization.pk, reason="Moving city"
    )


class PkAccess(AccessCase):
    permitted_role = "case_manager"

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class PostAccess(PkAccess):
    method = "post"
    permitted_status = 302


# The case page's tab ----------------------------------------------------------------------------------------------


class TestCaseReferralsTab(PkAccess):
    url_name = "cases:referrals"

    def make_object(self, organization: Any) -> Any:
        return referral_from(organization).case

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.content.decode()
        assert 'data-tab="referrals"' in body and "data-referral=" in body
        assert 'data-action="referral_send_system"' in body


class TestCaseReferralSend(PostAccess):
    url_name = "cases:referral_send"

    def make_object(self, organization: Any) -> Any:
        case = case_of(organization)
        case.service = make_service(make_organization(organization.country))
        return case

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"channel": "system", "service": obj.service.pk, "urgency": "routine", "sections": ["identity"]}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response["Location"] == f"/cases/{obj.pk}/referrals/"
        assert Referral.objects.get(case=obj).service_id == obj.service.pk


class TestCaseTransferRequest(PostAccess):
    url_name = "cases:transfer_request"

    def make_object(self, organization: Any) -> Any:
        case = case_of(organization)
        case.target = make_organization(organization.country)
        return case

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"to_organization": obj.target.pk, "reason": "The person moved to another city."}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Transfer.objects.get(case=obj).to_organization_id == obj.target.pk


# Lists -------------------------------------------------------------------------------------------------------------


class ListAccess(AccessCase):
    permitted_role = "case_manager"

    def make_object(self, organization: Any) -> Any:
        # The other-organization user must not see this organization's rows: the list has no single record.
        self.referral = referral_to(organization)
        self.sent = referral_from(organization)
        return None


class TestInbox(ListAccess):
    url_name = "referrals:inbox"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert f'data-referral="{self.referral.pk}"'.encode() in response.content
        assert f'data-referral="{self.sent.pk}"'.encode() not in response.content


class TestOutbox(ListAccess):
    url_name = "referrals:outbox"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert f'data-referral="{self.sent.pk}"'.encode() in response.content
        assert f'data-referral="{self.referral.pk}"'.encode() not in response.content


class TestTransferList(AccessCase):
    url_name = "referrals:transfers"
    permitted_role = "case_manager"

    def make_object(self, organization: Any) -> Any:
        self.incoming = transfer_to(organization)
        self.outgoing = transfer_from(organization)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        for transfer in (self.incoming, self.outgoing):
            assert f'data-transfer="{transfer.pk}"'.encode() in response.content


# One referral ------------------------------------------------------------------------------------------------------


class TestReferralDetailSender(PkAccess):
    url_name = "referrals:detail"
    model = Referral

    def make_object(self, organization: Any) -> Any:
        return referral_from(organization)

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert SENDER_ONLY.encode() in response.content
        assert b'data-answer="revoke"' in response.content


class TestReferralDetailReceiver(PkAccess):
    url_name = "referrals:detail"

    def make_object(self, organization: Any) -> Any:
        return referral_to(organization)

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b'data-answer="accept"' in response.content and b'data-answer="decline"' in response.content
        assert b'data-section="identity"' not in response.content  # not before accepting


class TestReferralAccept(PostAccess):
    url_name = "referrals:accept"

    def make_object(self, organization: Any) -> Any:
        return referral_to(organization)

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Referral.objects.get(pk=obj.pk).state == State.ACCEPTED


class TestReferralDecline(PostAccess):
    url_name = "referrals:decline"

    def make_object(self, organization: Any) -> Any:
        return referral_to(organization)

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "reason": "No bed for a family."}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Referral.objects.get(pk=obj.pk).state == State.DECLINED
        assert response["Location"] == "/referrals/"  # the receiver's access ended


class TestReferralStart(PostAccess):
    url_name = "referrals:start"

    def make_object(self, organization: Any) -> Any:
        return referral_to(organization, accepted=True)

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Referral.objects.get(pk=obj.pk).state == State.IN_PROGRESS


class TestReferralComplete(PostAccess):
    url_name = "referrals:complete"

    def make_object(self, organization: Any) -> Any:
        return referral_to(organization, accepted=True)

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "outcome": "completed", "delivered_on": timezone.localdate().isoformat()}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Referral.objects.get(pk=obj.pk).state == State.COMPLETED


class TestReferralRevoke(PostAccess):
    url_name = "referrals:revoke"

    def make_object(self, organization: Any) -> Any:
        return referral_from(organization)

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"version": obj.version, "reason": "The person left the country."}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Referral.objects.get(pk=obj.pk).state == State.REVOKED
        assert response["Location"] == f"/referrals/{obj.pk}/"


# Transfers ---------------------------------------------------------------------------------------------------------


class TestTransferDetail(PkAccess):
    url_name = "referrals:transfer_detail"
    model = Transfer

    def make_object(self, organization: Any) -> Any:
        return transfer_to(organization)

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert obj.case.case_number.encode() in response.content
        assert b'data-answer="accept"' in response.content


class TestTransferAccept(PostAccess):
    url_name = "referrals:transfer_accept"

    def make_object(self, organization: Any) -> Any:
        return transfer_to(organization)

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Transfer.objects.get(pk=obj.pk).status == Transfer.Status.ACCEPTED


class TestTransferDecline(PostAccess):
    url_name = "referrals:transfer_decline"

    def make_object(self, organization: Any) -> Any:
        return transfer_to(organization)

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"response": "We have no case worker free."}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Transfer.objects.get(pk=obj.pk).status == Transfer.Status.DECLINED


class TestTransferCancel(PostAccess):
    url_name = "referrals:transfer_cancel"

    def make_object(self, organization: Any) -> Any:
        return transfer_from(organization)

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Transfer.objects.get(pk=obj.pk).status == Transfer.Status.CANCELLED
