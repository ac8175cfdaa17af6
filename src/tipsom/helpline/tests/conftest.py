"""Fixtures of the helpline's tests: a Pakistani helpline with an operator and a supervisor."""

from typing import Any

import pytest
from django.test import Client

from tipsom.accounts.testing import sign_in
from tipsom.helpline.testing import make_helpline, make_operator, make_supervisor


@pytest.fixture
def helpline(db: Any) -> Any:
    return make_helpline("PK", name="Madadgaar Helpline")


@pytest.fixture
def operator(helpline: Any) -> Any:
    return make_operator(helpline, full_name="Operator One")


@pytest.fixture
def supervisor(helpline: Any) -> Any:
    return make_supervisor(helpline, full_name="Supervisor One")


@pytest.fixture
def operator_client(operator: Any) -> Client:
    return sign_in(Client(), operator)
