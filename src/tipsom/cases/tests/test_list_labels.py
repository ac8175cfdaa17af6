"""The case list page shows each coded column as get_<field>_display does (labels looked up once per page)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tipsom.accounts.testing import make_user, sign_in
from tipsom.cases.models import Case
from tipsom.cases.testing import make_case

pytestmark = pytest.mark.django_db


def test_the_coded_columns_show_the_models_labels(client: Client, organization: Any) -> None:
    user = make_user(organization, roles=("case_manager",))
    make_case(organization, actor=user)
    odd = make_case(organization, actor=user)
    Case.objects.filter(pk=odd.pk).update(trafficking_status="NoSuchCode")  # an unknown code shows as itself
    sign_in(client, user)
    html = client.get("/cases/").content.decode()
    for case in Case.objects.all():
        row = html.split(f">{case.case_number}</a>", 1)[1].split("</tr>", 1)[0]
        cells = [cell.split(">", 1)[1].split("</td>", 1)[0] for cell in row.split("<td ")[1:4]]
        assert cells == [case.get_case_type_display(), case.get_status_display(), case.get_trafficking_status_display()]
    assert '<td data-label="Trafficking status">NoSuchCode</td>' in html


def test_the_list_reads_no_person_and_only_the_row_columns(client: Client, organization: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user(organization, roles=("case_manager",))
    case = make_case(organization, actor=user, person={"names": [{"name": "Ana Lima"}], "citizenships": ["BO", "PE"]})
    sign_in(client, user)
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/cases/").content.decode()
    page_query = next(
        q["sql"] for q in captured.captured_queries if 'FROM "cases_case"' in q["sql"] and "LIMIT" in q["sql"]
    )
    assert "people_person" not in page_query and "transit_countries" not in page_query
    row = html.split(f">{case.case_number}</a>", 1)[1].split("</tr>", 1)[0]
    # One organization's rows: no organization column (core.listing.several_organizations).
    assert "Bolivia" in row and "Peru" in row and organization.name not in row
