"""Who may reach the victims and hearings screens and endpoints, and the victim case's Proceedings tab: every URL
and the models justice.victiminproceedings, justice.hearing and justice.suspectvictimrelation, tried as anonymous,
unpermitted, other-organization and permitted users. The criminal case belongs to the home organization (the
prosecution office); the victim case to an NGO of the same country."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from tipsom.accounts.testing import AccessCase
from tipsom.cases.testing import make_case
from tipsom.justice.models import Hearing, SuspectVictimRelation, VictimInProceedings
from tipsom.justice.testing import make_criminal_case, make_suspect
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

REASON = "to prepare her testimony at the trial hearing"


def make_link(organization: Organization, **fields: Any) -> VictimInProceedings:
    """A victim (an NGO's case) in a criminal case of `organization`, with a statement."""
    victim_case = make_case(make_organization(organization.country))
    criminal_case = make_criminal_case(organization)
    return VictimInProceedings.objects.create(
        criminal_case=criminal_case, case=victim_case, role="witness", statement="Secret statement", **fields
    )


def make_hearing(organization: Organization) -> Hearing:
    link = make_link(organization)
    hearing = Hearing.objects.create(
        criminal_case=link.criminal_case,
        kind="trial",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        court_name="Court of the home organization",
    )
    hearing.victims.set([link])
    return hearing


def _in_days(days: int) -> str:
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


# --- Screens -----------------------------------------------------------------------------------------------------
class _OnCase(AccessCase):
    """A screen of one criminal case: the object is a victim link, the URL the link's case."""

    permitted_role = "prosecutor"
    scope = "organization"

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_link(organization)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert isinstance(obj, VictimInProceedings)
        return {"pk": obj.criminal_case_id}


class _OnLink(_OnCase):
    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert isinstance(obj, VictimInProceedings)
        return {"pk": obj.criminal_case_id, "link_id": obj.pk}


class _OnHearing(AccessCase):
    permitted_role = "investigator"
    scope = "organization"

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_hearing(organization)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert isinstance(obj, Hearing)
        return {"pk": obj.criminal_case_id, "hearing_id": obj.pk}


class TestVictimsTab(_OnCase):
    url_name = "justice:victims"
    model = VictimInProceedings

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert isinstance(obj, VictimInProceedings)
        assert obj.case.case_number.encode() in response.content
        assert b"Secret statement" not in response.content


class TestVictimsTabNational(_OnCase):
    url_name = "justice:victims"
    permitted_role = "national_rapporteur"
    scope = "national"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"data-reveal" not in response.content


class TestVictimAdd(_OnCase):
    url_name = "justice:victim_add"


class TestVictimAddPost(_OnCase):
    url_name = "justice:victim_add"
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> models.Model | None:
        link = make_link(organization)
        self.other_case = make_case(make_organization(organization.country))
        return link

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"case_number": self.other_case.case_number, "role": "witness", "testimony_mode": "not_yet"}


class TestVictimEdit(_OnLink):
    url_name = "justice:victim_edit"


class TestVictimEditPost(_OnLink):
    url_name = "justice:victim_edit"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"role": "civil_party", "testimony_mode": "video", "version": 1}


class TestVictimRemove(_OnLink):
    url_name = "justice:victim_remove"
    method = "post"
    permitted_status = 302

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert not VictimInProceedings.objects.filter(pk=obj.pk).exists()  # type: ignore[union-attr]


class TestVictimRelation(_OnLink):
    url_name = "justice:victim_relation"
    model = SuspectVictimRelation
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> models.Model | None:
        link = make_link(organization)
        self.suspect = make_suspect(link.criminal_case)
        return link

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"suspect": self.suspect.pk, "relationship": "Familial"}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert isinstance(obj, VictimInProceedings)
        assert SuspectVictimRelation.objects.filter(victim=obj, suspect=self.suspect).exists()


class TestVictimRelationForm(_OnLink):
    url_name = "justice:victim_relation"


class TestVictimReveal(_OnLink):
    url_name = "justice:victim_reveal"
    method = "post"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"reason": REASON}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"Maria Flores Condori" in response.content


class TestVictimRevealNational(TestVictimReveal):
    """A national rapporteur sees the case but never a victim's name: 404 for them too."""

    permitted_role = "investigator"
    unpermitted_role = "national_rapporteur"


class TestVictimStatement(_OnLink):
    url_name = "justice:victim_statement"
    method = "post"
    permitted_role = "investigator"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"reason": REASON}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"Secret statement" in response.content


class TestVictimStatementForm(_OnLink):
    url_name = "justice:victim_statement"
    unpermitted_role = "national_rapporteur"


class TestHearingAdd(_OnCase):
    url_name = "justice:hearing_add"


class TestHearingAddPost(_OnCase):
    url_name = "justice:hearing_add"
    method = "post"
    permitted_status = 302
    model = Hearing

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"kind": "trial", "starts_at": _in_days(5), "court_name": "A court", "victims": [obj.pk]}  # type: ignore[union-attr]


class TestHearingEdit(_OnHearing):
    url_name = "justice:hearing_edit"


class TestHearingEditPost(_OnHearing):
    url_name = "justice:hearing_edit"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"kind": "sentencing", "starts_at": _in_days(6), "court_name": "A court"}


class TestHearingCancel(_OnHearing):
    url_name = "justice:hearing_cancel"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"reason": "Postponed by the court"}


# --- The victim case page's Proceedings tab ----------------------------------------------------------------------
class TestProceedingsTab(AccessCase):
    """The victim's case manager (the NGO owning the victim case) sees it; everyone else gets 404, the criminal
    case's prosecutor included."""

    url_name = "cases:proceedings"
    permitted_role = "case_manager"
    scope = "organization"

    def make_object(self, organization: Organization) -> models.Model | None:
        victim_case = make_case(organization)
        criminal_case = make_criminal_case(make_organization(organization.country))
        VictimInProceedings.objects.create(criminal_case=criminal_case, case=victim_case, role="witness")
        self.reference = criminal_case.reference
        return victim_case

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert obj is not None
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert self.reference.encode() in response.content


class TestProceedingsTabProsecutor(TestProceedingsTab):
    unpermitted_role = "prosecutor"


# --- API ---------------------------------------------------------------------------------------------------------
class _ApiList(AccessCase):
    """A list without a single record: a victim of the home organization's case exists but must not show."""

    permitted_role = "prosecutor"
    scope = "organization"

    def make_object(self, organization: Organization) -> models.Model | None:
        make_hearing(organization)
        return None


class TestVictimApiList(_ApiList):
    url_name = "api:justice-victim-list"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert len(response.json()["results"]) == 1


class TestVictimApiListNational(_ApiList):
    url_name = "api:justice-victim-list"
    permitted_role = "national_rapporteur"
    scope = "national"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert len(response.json()["results"]) == 1


class TestHearingApiList(_ApiList):
    url_name = "api:justice-hearing-list"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert len(response.json()["results"]) == 1


class _ApiLink(AccessCase):
    permitted_role = "prosecutor"
    scope = "organization"

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_link(organization)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert obj is not None
        return {"pk": obj.pk}


class TestVictimApiDetail(_ApiLink):
    url_name = "api:justice-victim-detail"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert "statement" not in response.json()


class TestVictimApiPatch(_ApiLink):
    url_name = "api:justice-victim-detail"
    method = "patch"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"role": "civil_party"}


class TestVictimApiCreate(AccessCase):
    url_name = "api:justice-victim-list"
    permitted_role = "investigator"
    method = "post"
    permitted_status = 201

    def make_object(self, organization: Organization) -> models.Model | None:
        self.victim_case = make_case(make_organization(organization.country))
        return make_criminal_case(organization)

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        assert obj is not None
        return {"criminal_case": obj.pk, "case_number": self.victim_case.case_number, "role": "witness"}


class TestVictimApiRelations(_ApiLink):
    url_name = "api:justice-victim-relations"
    method = "post"

    def make_object(self, organization: Organization) -> models.Model | None:
        link = make_link(organization)
        self.suspect = make_suspect(link.criminal_case)
        return link

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"suspect": self.suspect.pk, "relationship": "Acquainted"}


class TestVictimApiRevealIdentity(_ApiLink):
    url_name = "api:justice-victim-reveal-identity"
    method = "post"
    unpermitted_role = "national_rapporteur"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"reason": REASON}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["names"][0]["name"] == "Maria Flores Condori"


class TestVictimApiRevealStatement(_ApiLink):
    url_name = "api:justice-victim-reveal-statement"
    method = "post"
    unpermitted_role = "judiciary_liaison"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"reason": REASON}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json() == {"statement": "Secret statement"}


class _ApiHearing(AccessCase):
    permitted_role = "prosecutor"
    scope = "organization"

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_hearing(organization)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert obj is not None
        return {"pk": obj.pk}


class TestHearingApiDetail(_ApiHearing):
    url_name = "api:justice-hearing-detail"


class TestHearingApiPatch(_ApiHearing):
    url_name = "api:justice-hearing-detail"
    method = "patch"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"room": "12"}


class TestHearingApiCreate(AccessCase):
    url_name = "api:justice-hearing-list"
    permitted_role = "prosecutor"
    method = "post"
    permitted_status = 201

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_criminal_case(organization)

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        assert obj is not None
        starts = (timezone.now() + datetime.timedelta(days=2)).isoformat()
        return {"criminal_case": obj.pk, "kind": "trial", "starts_at": starts, "court_name": "Court"}


class TestHearingApiCancel(_ApiHearing):
    url_name = "api:justice-hearing-cancel"
    method = "post"
    permitted_status = 204
