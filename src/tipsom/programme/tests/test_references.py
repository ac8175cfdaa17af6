"""The programme's reference numbering (services/references.py), shared by activities and grants."""

from __future__ import annotations

import pytest
from django.db import transaction

from tipsom.organizations.testing import make_organization
from tipsom.programme.models import Activity, Grant
from tipsom.programme.services.references import reference_next
from tipsom.programme.testing import make_activity, make_grant

pytestmark = pytest.mark.django_db


def test_numbering_is_per_kind_country_and_year_and_padded() -> None:
    office = make_organization(country="CO")
    with transaction.atomic():
        assert reference_next(Activity, kind="ACT", country="CO", year=2018, digits=6) == "CO-ACT-2018-000001"
    make_activity(office, reference="CO-ACT-2018-000041")
    make_activity(office, reference="CO-ACT-2017-000900")
    with transaction.atomic():
        assert reference_next(Activity, kind="ACT", country="CO", year=2018, digits=6) == "CO-ACT-2018-000042"
        assert reference_next(Activity, kind="ACT", country="BR", year=2018, digits=6) == "BR-ACT-2018-000001"
        assert reference_next(Grant, kind="GR", country="CO", year=2018, digits=4) == "CO-GR-2018-0001"


def test_a_number_that_outgrew_its_padding_still_counts_as_the_highest() -> None:
    office = make_organization(country="CO")
    grantee = make_organization(country="CO")
    make_grant(office, grantee, reference="CO-GR-2020-9999")
    make_grant(office, grantee, reference="CO-GR-2020-10000")
    with transaction.atomic():
        assert reference_next(Grant, kind="GR", country="CO", year=2020, digits=4) == "CO-GR-2020-10001"
