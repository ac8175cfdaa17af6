"""`tipsom demo` helplines: Pakistan's six months of contacts in Urdu and English with the campaign week's peak, the
steps from contacts (linked situations, cases opened with consent, referrals, callbacks kept and missed, blocked
numbers, reviews), a smaller set for another country; deterministic from the seed, and a second run adds nothing."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tipsom.audit.models import AuditEvent
from tipsom.demo.services import demo_load, demo_options
from tipsom.helpline.demo import AUDIT_ACTION, campaign_week, helpline_config, plan_country, seed
from tipsom.helpline.models import NON_DATA_TYPES, BlockedNumber, Callback, Contact, ContactReview

COUNTRIES = ("PK", "BR")


def _options() -> Any:
    options = demo_options(seed=2026, cases_per_country=1)
    return dataclasses.replace(options, countries=tuple(c for c in options.countries if c["code"] in COUNTRIES))


@pytest.mark.django_db
def test_the_helpline_demo():
    demo_load(cases_per_country=0)  # organizations, users and the service directory
    assert not Contact.objects.exists()  # nothing without cases
    options = _options()
    began = time.perf_counter()
    report = seed(options)
    took = time.perf_counter() - began
    print(f"helpline demo: {report.summary} in {took:.1f} s")
    assert sorted(report.countries) == sorted(COUNTRIES)
    pakistan = Contact.objects.filter(country="PK")
    assert report.contacts == Contact.objects.count() == pakistan.count() + 30
    _check_pakistan(options, pakistan)
    assert report.cases > 0 and report.referrals > 0 and report.blocks == 2 and report.reviews > 16
    again = seed(options)
    assert again.contacts == 0 and again.countries == []
    assert Contact.objects.count() == report.contacts
    assert AuditEvent.objects.filter(action=AUDIT_ACTION).count() == 2


def _check_pakistan(options: Any, pakistan: Any) -> None:
    assert 550 <= pakistan.count() <= 650
    types = Counter(pakistan.values_list("contact_type", flat=True))
    non_data = sum(count for kind, count in types.items() if kind in NON_DATA_TYPES)
    assert 0.22 <= non_data / pakistan.count() <= 0.38
    assert set(pakistan.values_list("channel", flat=True)) == {
        "phone", "whatsapp", "sms", "web_form", "chat", "email", "walk_in", "letter"
    }  # fmt: skip
    languages = Counter(pakistan.exclude(language="").values_list("language", flat=True))
    assert set(languages) == {"urd", "eng"} and languages["urd"] > languages["eng"]
    urdu = pakistan.filter(language="urd", contact_type="victim").first()
    assert urdu is not None and any("\u0600" <= char <= "\u06ff" for char in urdu.summary)
    # The campaign week: at least twice as many contacts as an ordinary week's average.
    start, end = campaign_week(options.now, helpline_config()["pakistan"]["campaign"]["weeks_ago"])
    days = [timezone.localtime(moment).date() for moment in pakistan.values_list("started_at", flat=True)]
    in_week = sum(start <= day <= end for day in days)
    weeks = helpline_config()["pakistan"]["days"] / 7
    assert in_week >= 2 * (len(days) - in_week) / (weeks - 1)
    assert min(days) >= timezone.localdate() - timedelta(days=182)
    # The steps from contacts.
    assert pakistan.filter(situation__isnull=False).exists()
    assert pakistan.filter(case__isnull=False).count() == helpline_config()["pakistan"]["cases"]
    assert pakistan.filter(referrals__isnull=False).exists()
    assert pakistan.filter(status="open").exists() and pakistan.filter(status="closed").count() > 500
    callbacks = Counter(Callback.objects.filter(country="PK").values_list("status", flat=True))
    assert callbacks["reached"] > 0 and callbacks["pending"] > 0
    assert Callback.objects.filter(country="PK", status="pending", due_at__lt=timezone.now()).exists()  # missed
    assert BlockedNumber.objects.filter(country="PK").count() == 2
    assert ContactReview.objects.filter(country="PK").count() == helpline_config()["pakistan"]["reviews"]


def test_the_plan_is_deterministic_from_the_seed():
    country = next(c for c in demo_options_countries() if c["code"] == "PK")
    now = timezone.now()
    first = plan_country(country, seed=2026, now=now)
    assert [(p.started_at, p.fields) for p in first] == [(p.started_at, p.fields) for p in plan_country(
        country, seed=2026, now=now)]  # fmt: skip
    other = plan_country(country, seed=7, now=now)
    assert [p.fields.get("summary") for p in other] != [p.fields.get("summary") for p in first]


def demo_options_countries() -> list[dict[str, Any]]:
    from tipsom.demo.services import demo_config

    return list(demo_config()["countries"])
