"""Permission tests of the impact screens and endpoints: whoever may view the activity (the M&E officer of its
country here) sees its effect; anyone else, including a frontline identifier who sees the cases but not the
programme, and an officer of another country, gets 404."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models

from tipsom.accounts.testing import AccessCase
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import Activity, ActivityType
from tipsom.programme.testing import make_activity
from tipsom.programme.testing_impact import make_contact_facts, make_victim_facts

TRAINING = datetime.date(2018, 9, 10)


def _facts(organization: Organization) -> None:
    other = make_organization(organization.country, region="BR-RJ")
    for month in (8, 9, 10):
        make_victim_facts(organization, datetime.date(2018, month, 3), 6, region="BR-SP")
        make_victim_facts(other, datetime.date(2018, month, 3), 7)
        make_contact_facts(organization, 2018, month, 9, region="BR-SP")


class _Impact(AccessCase):
    permitted_role = "me_officer"
    unpermitted_role = "frontline_identifier"
    scope = "national"
    model = Activity

    def make_object(self, organization: Organization) -> models.Model | None:
        _facts(organization)
        return make_activity(organization, regions=["BR-SP"], start_date=TRAINING, end_date=TRAINING)

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        assert obj is not None
        return {"activities": str(obj.pk), "before": "1", "after": "1", "unit": "region"}


class TestImpactPage(_Impact):
    url_name = "programme:impact"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b'data-estimate="' in response.content
        assert b"programme-impact-data" in response.content


class TestImpactApi(_Impact):
    url_name = "api:programme-impact"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        body = response.json()
        assert body["treated"] == ["BR-SP"] and body["comparison"] == ["BR-RJ"]
        assert body["counts"]["treated"]["before"] == 6


class _Campaign(AccessCase):
    permitted_role = "me_officer"
    unpermitted_role = "frontline_identifier"
    scope = "national"
    model = Activity

    def make_object(self, organization: Organization) -> models.Model | None:
        _facts(organization)
        return make_activity(organization, kind=ActivityType.CAMPAIGN, regions=["BR-SP"], start_date=TRAINING,
                             end_date=TRAINING)  # fmt: skip

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert obj is not None
        return {"pk": obj.pk}


class TestCampaignPage(_Campaign):
    url_name = "programme:campaign_effect"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"programme-impact-data" in response.content


class TestCampaignApi(_Campaign):
    url_name = "api:programme-campaign-effect"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        body = response.json()
        assert body["contacts_series"] == [9, 9, 9]
        assert body["phases"] == ["before", "during", "after"]
