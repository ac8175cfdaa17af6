"""Localisation across apps: one date format per language on pages and in the PDF letter, country and language
names from CLDR sorted by the user's locale, permission and audit actions in words, the shipped fonts served and
embedded in the PDF (issue 11, items 10 and 12)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.services import audit_record
from tipsom.cases.services import consent_record
from tipsom.cases.testing import make_case
from tipsom.core import locale_names
from tipsom.core.date_formats import format_date, format_datetime
from tipsom.core.labels import AUDIT_ACTIONS, audit_action_label, permission_action_label
from tipsom.core.registry import registry
from tipsom.organizations import geography
from tipsom.organizations.testing import make_organization
from tipsom.referrals.letter import referral_letter
from tipsom.referrals.services import referral_send

# The short date and date-time of 4 December 2026, 14:05 UTC, per language.
DATES = {
    "en": ("2026-12-04", "2026-12-04 14:05"),
    "fr": ("04/12/2026", "04/12/2026 14:05"),
    "es": ("04/12/2026", "04/12/2026 14:05"),
    "pt": ("04/12/2026", "04/12/2026 14:05"),
    "pt-br": ("04/12/2026", "04/12/2026 14:05"),
    "ru": ("04.12.2026", "04.12.2026 14:05"),
    "uk": ("04.12.2026", "04.12.2026 14:05"),
    "ar": ("04/12/2026", "04/12/2026 14:05"),
    "ur": ("04/12/2026", "04/12/2026 14:05"),
    "ne": ("2026-12-04", "2026-12-04 14:05"),
    "lo": ("04/12/2026", "04/12/2026 14:05"),
}
LAO_NAME = "ສົມສັກ ພົມມະຈັນ"


def test_every_language_has_one_date_and_one_date_time_format():
    assert set(DATES) == {code for code, _name in settings.LANGUAGES}
    moment = datetime(2026, 12, 4, 14, 5, tzinfo=ZoneInfo("UTC"))
    for code, (short, long) in DATES.items():
        with translation.override(code), timezone.override("UTC"):
            assert format_date(date(2026, 12, 4)) == short, code
            assert format_datetime(moment) == long, code
            # The other names of the formats give the same text, so a template cannot pick a second format.
            assert formats.date_format(date(2026, 12, 4)) == short, code
            assert formats.date_format(moment, "DATETIME_FORMAT") == long, code
    assert format_date(None) == "—" and format_datetime(None) == "—"


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["en", "fr", "ru", "ne"])
def test_the_case_list_shows_dates_in_the_language_format(code):
    organization = make_organization("BR")
    user = make_user(organization, roles=("case_manager",))
    make_case(organization, actor=user, identified_on="2026-10-02")
    client = sign_in(Client(HTTP_ACCEPT_LANGUAGE=code), user)
    html = client.get("/cases/").content.decode()
    with translation.override(code):
        expected = format_date(date(2026, 10, 2))
    assert expected in html
    others = {fmt for fmt in (format_date(date(2026, 10, 2)), "02/10/2026", "02.10.2026", "2026-10-02")} - {expected}
    assert not any(other in html for other in others), others


def _letter_world(name: str = LAO_NAME) -> Any:
    organization = make_organization("LA", name="Lao Women's Union shelter", phone="+85621000000")
    sender = make_user(organization, roles=("case_manager",))
    case = make_case(
        organization,
        actor=sender,
        person={
            "names": [{"name": name, "name_latin": "Somsak Phommachanh"}],
            "gender": "Masculine",
            "citizenships": ["LA"],
        },
    )
    consent_record(
        actor=sender,
        case_id=case.pk,
        purpose="referral",
        given=True,
        recorded_on=timezone.localdate().isoformat(),
        given_by="person",
        service_types=["Shelter"],
    )
    referral = referral_send(
        actor=sender,
        case_id=case.pk,
        channel="letter",
        service_type="shelter",
        recipient="Vientiane shelter",
        urgency="urgent",
        sections=["identity"],
        message="",
    )
    return sender, referral


def _pdf(content: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    resources: list[Any] = [page["/Resources"]["/Font"] for page in reader.pages]  # type: ignore[index]
    fonts = {str(font.get_object()["/BaseFont"]) for fonts in resources for font in fonts.values()}
    return text, fonts


@pytest.mark.django_db
def test_the_letter_embeds_the_lao_font_and_its_text_reads_back():
    sender, referral = _letter_world()
    _referral, content = referral_letter(actor=sender, referral_id=referral.pk)
    text, fonts = _pdf(content)
    assert any(font.endswith("+NotoSansLao") for font in fonts), fonts  # embedded (a subset), not a system font
    squeezed = re.sub(r"\s", "", text)
    assert re.sub(r"\s", "", LAO_NAME) in squeezed  # the glyphs map back to the Lao letters


@pytest.mark.django_db
def test_the_letter_embeds_the_devanagari_and_arabic_fonts():
    sender, referral = _letter_world("राम बहादुर عائشہ")
    text, fonts = _pdf(referral_letter(actor=sender, referral_id=referral.pk)[1])
    assert "राम" in text or "रा" in text
    assert any("Arabic" in font for font in fonts), fonts


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["fr", "ru", "ne"])
def test_the_letter_dates_in_the_language_format(code):
    sender, referral = _letter_world()
    with translation.override(code):
        text, _fonts = _pdf(referral_letter(actor=sender, referral_id=referral.pk)[1])
        today = format_date(timezone.localdate())
    assert today in text


def test_country_names_in_european_and_brazilian_portuguese():
    assert locale_names.country_name("IR", "pt") == "Irão"
    assert locale_names.country_name("IR", "pt-br") == "Irã"
    with translation.override("pt"):
        assert geography.country_name("IR") == "Irão"
        assert dict(geography.country_choices())["IR"] == "Irão"
    with translation.override("pt-br"):
        assert geography.country_name("IR") == "Irã"
        assert dict(geography.country_choices())["IR"] == "Irã"


@pytest.mark.parametrize(
    ("code", "egypt", "first_letters"),
    [("ru", "Египет", "А"), ("uk", "Єгипет", "А"), ("ar", "مصر", "أاآإ"), ("fr", "Égypte", "A")],
)
def test_country_names_are_localised_and_sorted_by_the_locale(code, egypt, first_letters):
    with translation.override(code):
        choices = geography.country_choices()
    names = [name for _code, name in choices]
    assert dict(choices)["EG"] == egypt
    assert names == sorted(names, key=locale_names.sort_key)
    assert names[0][0] in first_letters, names[:3]
    if code == "fr":  # accents sort with their letter: Égypte between Équateur's neighbours, not after Z
        assert names.index("Égypte") < names.index("Érythrée") < names.index("Zambie")


def test_language_names_come_from_cldr_in_every_ui_language():
    assert locale_names.language_name("ukr", "ru") == "украинский"
    assert locale_names.language_name("uk", "ar") == "الأوكرانية"
    assert locale_names.language_name("lao", "lo") == "ລາວ"
    assert locale_names.language_name("nep", "ne") == "नेपाली"
    assert locale_names.language_name("urd", "ur") == "اردو"
    names = [name for _code, name in locale_names.language_choices("ru")]
    assert names == sorted(names, key=locale_names.sort_key)
    assert dict(locale_names.language_choices("en", alpha=2))["lo"] == "Lao"


def test_every_ui_language_names_every_country():
    english = dict(locale_names.country_choices("en"))
    for code, _name in settings.LANGUAGES:
        names = dict(locale_names.country_choices(code))
        assert names.keys() == english.keys()
        if code != "en":  # most names differ from English: they are translated, not the fallback
            assert sum(names[c] != english[c] for c in names) > len(names) // 2, code


def test_permission_and_audit_actions_in_words():
    assert permission_action_label("reveal") == "reveal identities"
    assert audit_action_label("referral.send") == "Referral sent"
    assert audit_action_label("something.brand_new") == "Something: brand new"  # readable without words
    assert all(str(label) and "." not in str(label)[:1] for label in AUDIT_ACTIONS.values())


@pytest.mark.django_db
def test_the_roles_screen_shows_permissions_and_actions_in_words():
    admin = make_user(roles=("system_administrator",))
    html = sign_in(Client(), admin).get("/accounts/roles/").content.decode()
    assert "reveal identities" in html and "Search the country&#x27;s audit log" in html
    assert not re.search(r"<code>(view|add|change|approve|reveal|export)</code>", html)


@pytest.mark.django_db
def test_a_users_history_names_the_audit_actions_in_words():
    admin = make_user(roles=("system_administrator", "auditor"))
    target = make_user(admin.organization, roles=("case_manager",))
    audit_record(actor=target, action="auth.login", target=target)
    html = sign_in(Client(), admin).get(f"/accounts/users/{target.pk}/").content.decode()
    assert "Signed in" in html and "<code>auth.login</code>" not in html


def test_the_shipped_fonts_are_served_and_declared():
    css_path = finders.find("tipsom-fonts.css")
    assert css_path
    css = Path(css_path).read_text()
    urls = re.findall(r'url\("([^"]+)"\)', css)
    families = set(re.findall(r'font-family: "([^"]+)"', css))
    assert {"Noto Sans Lao", "Noto Sans Devanagari", "Noto Naskh Arabic"} <= families
    assert len(urls) == 12
    for url in urls:
        assert finders.find(url), url  # every face's file is shipped


@pytest.mark.django_db
def test_every_page_links_the_fonts():
    html = Client().get("/accounts/login/").content.decode()
    assert "tipsom-fonts.css" in html


# An audit action written anywhere in the code: `action="x.y"` (or "x.y.z"), `audit(actor, "x.y", ...)`,
# `_audit(...)`, and the other branch of `"x.y" if ... else "x.z"`.
_AUDIT_CALL = re.compile(
    r'(?:\baction=|\bAUDIT_ACTION = |_audit\(\s*[\w.]+,\s*|\baudit\(\s*[\w.]+,\s*)"([a-z_0-9]+(?:\.[a-z_0-9]+)+)"'
    r'(?:\s+if\s+[^\n]+?\s+else\s+"([a-z_0-9]+(?:\.[a-z_0-9]+)+)")?'
)


def test_every_audit_action_the_code_writes_has_words():
    source = Path(settings.PACKAGE_DIR)
    written = set()
    for path in source.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for match in _AUDIT_CALL.finditer(path.read_text(encoding="utf-8")):
            written |= {action for action in match.groups() if action}
    found = {"referral.send", "case.close", "auth.login", "user.2fa_reset", "demo.cases", "justice.case.create"}
    assert found <= written  # the scan finds actions of one dot and of two
    worded = set(AUDIT_ACTIONS) | set(registry["audit_actions"])  # core's words and those the apps register
    assert not written - worded, "add their words to tipsom.core.labels.AUDIT_ACTIONS or the audit_actions store"
