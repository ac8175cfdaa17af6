"""Messages render in the reader's language from coded parameters, and never crash the inbox."""

from __future__ import annotations

import pytest
from django.utils import translation

from tipsom.notifications.kinds import KINDS, MISSING, render, render_message
from tipsom.notifications.models import Notification

# What the referral and transfer services pass, per kind.
PARAMS = {
    "referral_received": {
        "service_type": "shelter",
        "urgency": "emergency",
        "case_number": "BR-2026-000001",
        "organization": "Casa Abrigo",
        "due_at": "2026-11-23T15:00:00+00:00",
    },
    "consent_override": {"case_number": "BR-2026-000001", "service_type": "medical", "user": "ana"},
    "referral_from_abroad": {"country": "DE", "service_type": "legal_aid"},
    # matching's access requests name the other organization only, never the person
    "person_access_requested": {"organization": "Casa Abrigo"},
    "person_access_granted": {"organization": "Casa Abrigo"},
    "person_access_refused": {"organization": "Casa Abrigo"},
}
SIMPLE = {"service_type": "psychosocial", "case_number": "BR-2026-000002", "organization": "Casa Abrigo"}


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_in_every_language(kind: str, language: str) -> None:
    params = PARAMS.get(kind, SIMPLE)
    with translation.override(language):
        message = render(Notification(kind=kind, params=params))
    assert message and "%(" not in message
    # Case numbers and organizations appear as given; codes are shown by their label, never raw.
    if "case_number" in params:
        assert params["case_number"] in message
    if "organization" in params:
        assert "Casa Abrigo" in message


def test_codes_are_shown_by_their_label() -> None:
    with translation.override("en"):
        message = render_message("referral_received", PARAMS["referral_received"])
    assert "Shelter" in message and "Emergency" in message
    assert "shelter" not in message and "emergency" not in message
    assert "2026" in message and "T15:00" not in message  # a date as people write it, not ISO


def test_country_names_follow_the_language() -> None:
    params = PARAMS["referral_from_abroad"]
    with translation.override("en"):
        assert "Germany" in render_message("referral_from_abroad", params)
    with translation.override("fr"):
        assert "Allemagne" in render_message("referral_from_abroad", params)


def test_missing_unknown_and_odd_params_do_not_crash() -> None:
    assert MISSING in render_message("referral_accepted", {})
    message = render_message("referral_accepted", {**SIMPLE, "service_type": "no_such_type", "extra": [1, 2]})
    assert "no_such_type" in message
    assert render_message("referral_received", {**PARAMS["referral_received"], "due_at": "tomorrow"})
    assert render_message("referral_accepted", None)  # type: ignore[arg-type]
    assert "retired_kind" in render_message("retired_kind", {"case_number": "BR-2026-000001"})
