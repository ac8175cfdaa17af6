"""Who may reach matching's screens and endpoints: every URL tried as anonymous, unpermitted, other-organization and
permitted users (accounts.testing.AccessCase). Registry reviewers work on the country's pairs, merges and jobs
(national scope: the other user works in another country); access requests are between organizations (the other
user works for a third organization of the same country); the registration check is for whoever may register a
person, over the country's registry."""

from __future__ import annotations

from typing import Any

from django.db import models

from tipsom.accounts.models import User
from tipsom.accounts.testing import AccessCase, make_user
from tipsom.matching import services
from tipsom.matching.models import AccessRequest, CandidatePair, DedupeJob, MatchCluster, PersonMerge
from tipsom.matching.selectors import candidate_token
from tipsom.matching.testing import make_pair, make_person
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

OLGA = "Ольга Коваленко"
OLHA = "Olha Kovalenko"


def review_pair(organization: Organization, **fields: Any) -> CandidatePair:
    """Ольга Коваленко and Olha Kovalenko, both born in 1999, registered by `organization`, as a pair to review."""
    left = make_person(organization, OLGA, birth_date="1999")
    right = make_person(organization, OLHA, birth_date="1999")
    pair = make_pair(left, right, **fields)
    CandidatePair.objects.filter(pk=pair.pk).update(
        reasons={"levels": {"name": "canonical", "birth_date": "year", "sex": "same"}, "name": []}, **fields
    )
    pair.refresh_from_db()
    return pair


def review_merge(organization: Organization) -> PersonMerge:
    """A merge of a pair of `organization`, by a reviewer of it."""
    pair = review_pair(organization)
    reviewer = make_user(organization, roles=("registry_reviewer",))
    return services.person_merge(
        actor=reviewer, survivor_id=pair.person_low_id, merged_id=pair.person_high_id, pair_id=pair.pk
    )


def access_request(holder: Organization) -> AccessRequest:
    """A request of another organization of the country for a person `holder` registered."""
    person = make_person(holder, "Olena Shevchenko", birth_date="1995")
    asking = make_organization(holder.country, name="Asking shelter")
    asker = make_user(asking, roles=("case_manager",))
    token = candidate_token(user=asker, person_id=person.pk)
    return services.access_request_create(actor=asker, token=token, reason="The same woman came to our shelter.")


def dedupe_job(country: str) -> DedupeJob:
    return DedupeJob.objects.create(
        country=country,
        threshold=0.9,
        status=DedupeJob.Status.DONE,
        step="done",
        done=40,
        total=40,
        counts={"persons": 40, "pairs_new": 3, "clusters": 2},
    )


# --- The review queue and a pair ------------------------------------------------------------------------------------
class _Review(AccessCase):
    permitted_role = "registry_reviewer"
    scope = "national"


class _PairObject(_Review):
    def make_object(self, organization: Organization) -> models.Model | None:
        return review_pair(organization)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert obj is not None
        return {"pk": obj.pk}


class TestQueue(_Review):
    url_name = "matching:queue"

    def make_object(self, organization: Organization) -> models.Model | None:
        self.pair = review_pair(organization)
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        html = response.content.decode()
        assert f'data-pair="{self.pair.pk}"' in html
        assert "Name: the same names in another script or spelling (one part may be missing)" in html
        assert OLGA not in html and OLHA not in html


class TestPair(_PairObject):
    url_name = "matching:pair"
    model = CandidatePair

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        html = response.content.decode()
        assert isinstance(obj, CandidatePair)
        assert f'data-person="{obj.person_low_id}"' in html and f'data-person="{obj.person_high_id}"' in html
        assert OLGA not in html and OLHA not in html  # masked until a reveal


class TestPairInCluster(_PairObject):
    """The pair page shows the size of the group the batch job found."""

    url_name = "matching:pair"
    model = MatchCluster

    def make_object(self, organization: Organization) -> models.Model | None:
        job = dedupe_job(organization.country)
        cluster = MatchCluster.objects.create(job=job, size=3, top_probability=0.99)
        return review_pair(organization, cluster=cluster, job=job)

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert "a group of 3 persons" in response.content.decode()


class TestPairDecide(_PairObject):
    url_name = "matching:pair_decide"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        assert isinstance(obj, CandidatePair)
        return {"decision": "rejected", "version": obj.version}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert isinstance(obj, CandidatePair)
        obj.refresh_from_db()
        assert obj.status == CandidatePair.Status.REJECTED


class TestPairMergePage(_PairObject):
    url_name = "matching:pair_merge"


class TestPairMerge(_PairObject):
    url_name = "matching:pair_merge"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        assert isinstance(obj, CandidatePair)
        return {"survivor": obj.person_low_id}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert isinstance(obj, CandidatePair)
        assert PersonMerge.objects.filter(pair=obj, undone_at__isnull=True).count() == 1


# --- Merges ---------------------------------------------------------------------------------------------------------
class _MergeObject(_Review):
    def make_object(self, organization: Organization) -> models.Model | None:
        return review_merge(organization)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert obj is not None
        return {"pk": obj.pk}


class TestMerges(_Review):
    url_name = "matching:merges"
    model = PersonMerge

    def make_object(self, organization: Organization) -> models.Model | None:
        self.merge = review_merge(organization)
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert f'data-merge="{self.merge.pk}"' in response.content.decode()


class TestMergeUndoPage(_MergeObject):
    url_name = "matching:merge_undo"


class TestMergeUndo(_MergeObject):
    url_name = "matching:merge_undo"
    method = "post"
    permitted_status = 302

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert isinstance(obj, PersonMerge)
        obj.refresh_from_db()
        assert obj.undone_at is not None


# --- Jobs -----------------------------------------------------------------------------------------------------------
class TestJobs(_Review):
    url_name = "matching:jobs"
    model = DedupeJob

    def make_object(self, organization: Organization) -> models.Model | None:
        self.job = dedupe_job(organization.country)
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert f'data-job="{self.job.pk}"' in response.content.decode()


# --- Access requests ------------------------------------------------------------------------------------------------
class _Requests(AccessCase):
    permitted_role = "case_manager"
    scope = "organization"


class _RequestObject(_Requests):
    def make_object(self, organization: Organization) -> models.Model | None:
        return access_request(organization)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert obj is not None
        return {"pk": obj.pk}


class TestRequests(_Requests):
    url_name = "matching:access_requests"
    model = AccessRequest

    def make_object(self, organization: Organization) -> models.Model | None:
        self.access = access_request(organization)
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert f'data-request="{self.access.pk}"' in response.content.decode()


class TestRequest(_RequestObject):
    url_name = "matching:access_request"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        html = response.content.decode()
        assert "The same woman came to our shelter." in html and 'class="answer-form"' in html


class TestRequestAnswer(_RequestObject):
    url_name = "matching:access_request"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"grant": "yes", "until": "", "note": "Granted for the referral."}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert isinstance(obj, AccessRequest)
        obj.refresh_from_db()
        assert obj.status == AccessRequest.Status.GRANTED


class _AskForAccess(_Requests):
    """The token is bound to the user who checked: it is made for the user each test signs in (kept by
    `_client_for`), about a person a third organization holds."""

    user: User | None = None

    def _client_for(self, user: User | None) -> Any:
        self.user = user
        return super()._client_for(user)

    def make_object(self, organization: Organization) -> models.Model | None:
        holder = make_organization(organization.country, name="Holding police")
        self.person = make_person(holder, "Olena Shevchenko", birth_date="1995")
        return None

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        token = candidate_token(user=self.user, person_id=self.person.pk) if self.user is not None else "x"
        return {"token": token, "reason": "She asked for help at our shelter.", "next": "/cases/register/"}


class TestAskForAccessPage(_AskForAccess):
    url_name = "matching:access_request_create"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"token": "x", "next": "/cases/register/"}


class TestAskForAccess(_AskForAccess):
    url_name = "matching:access_request_create"
    method = "post"
    permitted_status = 302

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response["Location"] == "/cases/register/"
        assert AccessRequest.objects.filter(person=self.person, requested_by=self.user).count() == 1


# --- API: the registration check ------------------------------------------------------------------------------------
class TestApiMatchCheck(AccessCase):
    """The check covers the country's registry: a user of another country finds nothing of it."""

    url_name = "api:person-match"
    permitted_role = "frontline_identifier"
    scope = "national"
    method = "post"

    def make_object(self, organization: Organization) -> models.Model | None:
        self.person = make_person(organization, OLGA, birth_date="1999")
        return None

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"names": [OLHA], "birth_date": "1999", "sex": "F"}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        candidates = response.json()["candidates"]
        assert [c["person"]["id"] for c in candidates] == [self.person.pk] and candidates[0]["visible"]


# --- API: the review queue, merges, jobs ----------------------------------------------------------------------------
class TestApiPairs(_Review):
    url_name = "api:matching-pair-list"

    def make_object(self, organization: Organization) -> models.Model | None:
        self.pair = review_pair(organization)
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert [row["id"] for row in response.json()["results"]] == [self.pair.pk]


class TestApiPair(_PairObject):
    url_name = "api:matching-pair-detail"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert (
            response.json()["reason_words"][0]
            == "Name: the same names in another script or spelling (one part may be missing)"
        )


class TestApiPairDecide(_PairObject):
    url_name = "api:matching-pair-decide"
    method = "post"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        assert isinstance(obj, CandidatePair)
        return {"decision": "confirmed", "version": obj.version}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["status"] == "confirmed"


class TestApiMerges(_Review):
    url_name = "api:matching-merge-list"

    def make_object(self, organization: Organization) -> models.Model | None:
        self.merge = review_merge(organization)
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert [row["id"] for row in response.json()["results"]] == [self.merge.pk]


class TestApiMerge(_PairObject):
    """POST /matching/merges/ with a pair of the home country: 404 for the reviewer of another country."""

    url_name = "api:matching-merge-list"
    method = "post"
    permitted_status = 201

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {}

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        assert isinstance(obj, CandidatePair)
        return {"survivor": obj.person_high_id, "merged": obj.person_low_id, "pair": obj.pk}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert isinstance(obj, CandidatePair)
        assert response.json()["survivor"] == obj.person_high_id


class TestApiMergeUndo(_MergeObject):
    url_name = "api:matching-merge-undo"
    method = "post"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["undone_at"]


class TestApiJobs(_Review):
    url_name = "api:matching-job-list"

    def make_object(self, organization: Organization) -> models.Model | None:
        self.job = dedupe_job(organization.country)
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert [(row["id"], row["done"], row["total"]) for row in response.json()["results"]] == [(self.job.pk, 40, 40)]


class TestApiJob(_Review):
    url_name = "api:matching-job-detail"

    def make_object(self, organization: Organization) -> models.Model | None:
        return dedupe_job(organization.country)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert obj is not None
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["counts"]["pairs_new"] == 3


# --- API: access requests -------------------------------------------------------------------------------------------
class TestApiRequests(_Requests):
    url_name = "api:matching-access-request-list"

    def make_object(self, organization: Organization) -> models.Model | None:
        self.access = access_request(organization)
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        rows = response.json()["results"]
        assert [(row["id"], row["person"]) for row in rows] == [(self.access.pk, self.access.person_id)]


class TestApiAskForAccess(_AskForAccess):
    url_name = "api:matching-access-request-list"
    method = "post"
    permitted_status = 201

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        body = super().payload(obj)
        assert body is not None
        return {"token": body["token"], "reason": body["reason"]}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        body = response.json()
        assert body["status"] == "pending" and body["person"] is None  # nothing of her before the answer
        assert body["holding_organization"]["name"] == "Holding police"


class TestApiRequest(_RequestObject):
    url_name = "api:matching-access-request-detail"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["requesting_organization"]["name"] == "Asking shelter"


class TestApiRequestAnswer(_RequestObject):
    url_name = "api:matching-access-request-answer"
    method = "post"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"grant": False, "note": "Not the same person."}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["status"] == "refused"
