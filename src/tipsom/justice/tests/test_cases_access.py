"""Access tests (accounts.testing.AccessCase) for every screen and endpoint of the criminal cases part: anonymous,
unpermitted, another organization's user and a permitted investigator or prosecutor."""

from __future__ import annotations

from typing import Any

from tipsom.accounts.testing import AccessCase
from tipsom.justice.models import CriminalCase, CriminalGroup, Offence, Suspect
from tipsom.justice.testing import make_criminal_case, make_offence, make_suspect

REASON = "to prepare the hearing of the defendant"


def _case(organization: Any) -> CriminalCase:
    return make_criminal_case(organization)


def _group(organization: Any) -> CriminalGroup:
    return CriminalGroup.objects.create(owner_organization=organization, country=organization.country, name="Gatos")


class CaseScreen(AccessCase):
    permitted_role = "prosecutor"
    model = CriminalCase

    def make_object(self, organization):
        return _case(organization)

    def url_kwargs(self, obj):
        return {"pk": obj.pk}


class TestList(AccessCase):
    url_name = "justice:list"
    permitted_role = "investigator"


class TestCreate(AccessCase):
    url_name = "justice:create"
    permitted_role = "prosecutor"
    # The form names the country's organizations (a unit, an office, a court may be named on the case, as in the
    # directory every justice role sees): the other user is in another country, whose form lists none of ours.
    scope = "national"


class TestDetail(CaseScreen):
    url_name = "justice:detail"

    def check_permitted(self, response, obj):
        assert obj.reference.encode() in response.content


class TestEdit(CaseScreen):
    url_name = "justice:edit"
    permitted_role = "investigator"


class TestOffences(CaseScreen):
    url_name = "justice:offences"


class TestOffenceCreate(CaseScreen):
    url_name = "justice:offence_create"


class OffenceScreen(AccessCase):
    permitted_role = "investigator"
    model = Offence

    def make_object(self, organization):
        return make_offence(_case(organization))

    def url_kwargs(self, obj):
        return {"pk": obj.criminal_case_id, "offence_id": obj.pk}


class TestOffenceEdit(OffenceScreen):
    url_name = "justice:offence_edit"


class TestOffenceRemove(OffenceScreen):
    url_name = "justice:offence_remove"
    method = "post"
    permitted_status = 302

    def check_permitted(self, response, obj):
        assert not Offence.objects.filter(pk=obj.pk).exists()


class TestDefendants(CaseScreen):
    url_name = "justice:defendants"


class TestSuspectCreate(CaseScreen):
    url_name = "justice:suspect_create"
    permitted_role = "investigator"


class SuspectScreen(AccessCase):
    permitted_role = "prosecutor"
    model = Suspect

    def make_object(self, organization):
        return make_suspect(_case(organization))

    def url_kwargs(self, obj):
        return {"pk": obj.criminal_case_id, "suspect_id": obj.pk}


class TestSuspectEdit(SuspectScreen):
    url_name = "justice:suspect_edit"


class TestSuspectRemove(SuspectScreen):
    url_name = "justice:suspect_remove"
    method = "post"
    permitted_status = 302

    def check_permitted(self, response, obj):
        assert not Suspect.objects.filter(pk=obj.pk).exists()


class TestSuspectReveal(SuspectScreen):
    url_name = "justice:suspect_reveal"
    method = "post"

    def payload(self, obj):
        return {"reason": REASON}

    def check_permitted(self, response, obj):
        assert b"Suspect Number" in response.content


class TestGroups(AccessCase):
    url_name = "justice:groups"
    permitted_role = "investigator"


class TestGroupCreate(AccessCase):
    url_name = "justice:group_create"
    permitted_role = "prosecutor"


class TestGroupEdit(AccessCase):
    url_name = "justice:group_edit"
    permitted_role = "investigator"
    model = CriminalGroup

    def make_object(self, organization):
        return _group(organization)

    def url_kwargs(self, obj):
        return {"pk": obj.pk}


# --- the API ---------------------------------------------------------------------------------------------------
class TestApiCaseList(AccessCase):
    url_name = "api:justice-case-list"
    permitted_role = "prosecutor"


class TestApiCaseDetail(CaseScreen):
    url_name = "api:justice-case-detail"

    def check_permitted(self, response, obj):
        assert response.json()["reference"] == obj.reference


class ApiPerCase(AccessCase):
    permitted_role = "investigator"

    def make_object(self, organization):
        return _case(organization)

    def payload(self, obj):
        return {"criminal_case": obj.pk}


class TestApiOffenceList(ApiPerCase):
    url_name = "api:justice-offence-list"


class TestApiSuspectList(ApiPerCase):
    url_name = "api:justice-suspect-list"
    permitted_role = "prosecutor"


class TestApiOffenceDetail(OffenceScreen):
    url_name = "api:justice-offence-detail"

    def url_kwargs(self, obj):
        return {"pk": obj.pk}


class TestApiSuspectDetail(SuspectScreen):
    url_name = "api:justice-suspect-detail"

    def url_kwargs(self, obj):
        return {"pk": obj.pk}

    def check_permitted(self, response, obj):
        assert "Suspect Number" not in response.content.decode()


class TestApiSuspectReveal(SuspectScreen):
    url_name = "api:justice-suspect-reveal"
    method = "post"

    def url_kwargs(self, obj):
        return {"pk": obj.pk}

    def payload(self, obj):
        return {"reason": REASON}

    def check_permitted(self, response, obj):
        assert response.json()["names"][0]["name"].startswith("Suspect Number")


class TestApiGroupList(AccessCase):
    url_name = "api:justice-group-list"
    permitted_role = "investigator"


class TestApiGroupDetail(AccessCase):
    url_name = "api:justice-group-detail"
    permitted_role = "prosecutor"

    def make_object(self, organization):
        return _group(organization)

    def url_kwargs(self, obj):
        return {"pk": obj.pk}
