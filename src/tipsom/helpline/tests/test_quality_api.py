"""The API of blocked numbers and statistics: every endpoint as anonymous, unpermitted, another organization's and
permitted users; a block's number masked, the services' refusals as the screens give them, the check a channel
integration makes, and the statistics as JSON with withheld counts null."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.helpline.models import BlockedNumber
from tipsom.helpline.testing import make_blocked_number, make_contact
from tipsom.organizations.models import Organization

OPERATOR, SUPERVISOR = "helpline_operator", "helpline_supervisor"
LIST, CHECK, STATS = "api:helpline-blocked-number-list", "api:helpline-blocked-number-check", "api:helpline-stats"


class _BlockCase(AccessCase):
    model = BlockedNumber
    method = "post"

    def make_object(self, organization: Organization) -> BlockedNumber:
        return make_blocked_number(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestApiBlocks(AccessCase):
    url_name = LIST
    permitted_role = OPERATOR


class TestApiBlock(AccessCase):
    url_name = LIST
    permitted_role = OPERATOR
    method = "post"
    permitted_status = 201

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"number": "+5511999988889", "reason": "abuse"}


class TestApiLift(_BlockCase):
    url_name = "api:helpline-blocked-number-lift"
    permitted_role = SUPERVISOR

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["lifted_at"]


class TestApiCheck(AccessCase):
    url_name = CHECK
    permitted_role = OPERATOR
    method = "post"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"number": "+923001112233"}


class TestApiStats(AccessCase):
    url_name = STATS
    permitted_role = SUPERVISOR

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["national"] is False


class TestApiStatsNational(AccessCase):
    url_name = STATS
    permitted_role = "national_coordinator"
    scope = "national"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["national"] is True


# --- Behaviour ----------------------------------------------------------------------------------------------------
def _post(client: Client, name: str, data: dict[str, Any], **kwargs: Any) -> Any:
    return client.post(reverse(name, kwargs=kwargs or None), data, content_type="application/json")


def test_blocking_and_checking_through_the_api(operator, supervisor):
    client = sign_in(Client(), operator)
    refused = _post(client, LIST, {"number": "0300 1112233", "reason": "abuse", "duration": "1y", "note": "x" * 20})
    assert refused.status_code == 403 and not BlockedNumber.objects.exists()
    invalid = _post(client, LIST, {"number": "call me", "reason": "rude"})
    assert invalid.status_code == 400 and set(invalid.json()["extra"]["fields"]) == {"number", "reason"}
    created = _post(client, LIST, {"number": "0300 1112233", "reason": "abuse"})
    assert created.status_code == 201 and created.json()["number"] == "••••••33"
    again = _post(client, LIST, {"number": "+92 300 111 2233", "reason": "prank"})
    assert again.status_code == 409
    listed = client.get(reverse(LIST)).json()
    assert [row["id"] for row in listed] == [created.json()["id"]] and "note" not in listed[0]
    answer = _post(client, CHECK, {"number": "+923001112233"}).json()
    assert answer["blocked"] is True and answer["reason"] == "abuse" and answer["until"]
    assert _post(client, CHECK, {"number": "+923009999999"}).json() == {"blocked": False, "until": None, "reason": ""}
    assert _post(client, CHECK, {"number": "nothing"}).status_code == 400
    block_id = created.json()["id"]
    lift = "api:helpline-blocked-number-lift"
    assert _post(client, lift, {}, pk=block_id).status_code == 403
    lifted = _post(sign_in(Client(), supervisor), lift, {"version": 1}, pk=block_id)
    assert lifted.status_code == 200 and _post(client, CHECK, {"number": "0300 1112233"}).json()["blocked"] is False


def test_statistics_through_the_api(helpline, supervisor, operator):
    june = datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC)
    for _n in range(6):
        make_contact(actor=operator, started_at=june)
    make_contact(actor=operator, started_at=june, channel="sms")
    client = sign_in(Client(), supervisor)
    answer = client.get(reverse(STATS), {"date_from": "2026-06-01", "date_to": "2026-06-30"}).json()
    assert answer["total"] == 7 and answer["small_cell"] == 5
    channels = next(table for table in answer["tables"] if table["key"] == "channel")
    counts = {row["key"]: row["count"] for row in channels["rows"]}
    assert counts["phone"] is None and counts["sms"] is None and counts["letter"] == 0  # 1 SMS, and its complement
    marks = {row["key"]: row["mark"] for row in channels["rows"]}
    assert (marks["sms"], marks["phone"], marks["letter"]) == ("<5", "..", None)
    assert len(answer["weekday_hour"]) == 7 and len(answer["weekday_hour"][0]) == 24
    bad = client.get(reverse(STATS), {"date_from": "2026-06-30", "date_to": "2026-06-01"})
    assert bad.status_code == 400
    assert client.get(reverse(STATS), {"colour": "red"}).status_code == 400
    assert sign_in(Client(), operator).get(reverse(STATS)).status_code == 404
    assert sign_in(Client(), make_user(helpline, roles=("me_officer",))).get(reverse(STATS)).status_code == 404
