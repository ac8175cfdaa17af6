"""The translation catalogues: every string translated, the committed .mo files in step with the .po files, and pages
served in each language (Arabic right to left).

The .po files are read with a small parser (standard library only); the .mo files with gettext.GNUTranslations.
A .mo that was not recompiled after its .po changed fails the comparison of their messages, whatever the file times.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import get_language_info, to_locale

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PO_FILES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
# A regional variant without a catalogue of its own (pt-br) is translated by its language's catalogue (pt), as
# gettext falls back from pt_BR to pt; every other language needs its own.
TRANSLATED_LANGUAGES = sorted(
    {
        code if (LOCALE_DIR / to_locale(code)).is_dir() else code.split("-")[0]
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
    }
)
RIGHT_TO_LEFT = {"ar", "ur"}
# The name each language has in the switcher: its own name for itself.
ENDONYMS = {
    "en": "English",
    "fr": "français",
    "es": "español",
    "pt": "Português",
    "pt-br": "Português Brasileiro",
    "ru": "Русский",
    "uk": "Українська",
    "ar": "العربيّة",
    "ur": "اردو",
    "ne": "नेपाली",
    "lo": "ລາວ",
}


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The catalogue key gettext uses: context and id joined by EOT."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str, path: Path, number: int) -> str:
    text = text.strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise AssertionError(f"{path}:{number}: expected a quoted string, got {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, the header included (msgid ""); obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None
    seen_keyword = False

    def finish() -> None:
        nonlocal entry, target, seen_keyword
        if seen_keyword:
            entries.append(entry)
        entry, target, seen_keyword = Entry(), None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            if seen_keyword:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):
            if seen_keyword:
                finish()
        elif line.startswith('"'):
            if target is None:
                raise AssertionError(f"{path}:{number}: a continuation line outside an entry")
            name, index = target
            text = _unquote(line, path, number)
            if name == "msgstr":
                entry.msgstr[index] += text  # type: ignore[index]
            else:
                setattr(entry, name, getattr(entry, name) + text)
        else:
            keyword, _, rest = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if keyword in ("msgctxt", "msgid") and entry.msgstr:
                finish()  # a new entry with no blank line before it
            if not seen_keyword:
                entry.line = number
            seen_keyword = True
            text = _unquote(rest, path, number)
            if keyword in ("msgctxt", "msgid", "msgid_plural"):
                setattr(entry, keyword, text)
                target = (keyword, None)
            elif keyword == "msgstr":
                entry.msgstr[0] = text
                target = ("msgstr", 0)
            elif match:
                entry.msgstr[int(match.group(1))] = text
                target = ("msgstr", int(match.group(1)))
            else:
                raise AssertionError(f"{path}:{number}: unknown keyword {keyword!r}")
    finish()
    return entries


def _header(entries: list[Entry]) -> dict[str, str]:
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    fields = (line.partition(":") for line in header.msgstr[0].splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, _, value in fields}


def _nplurals(entries: list[Entry]) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", _header(entries).get("Plural-Forms", ""))
    assert match, "the header has no Plural-Forms"
    return int(match.group(1))


def _messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if not (e.msgid == "" and e.msgctxt is None)]


def _label(path: Path) -> str:
    return str(path.relative_to(LOCALE_DIR)) if path.is_relative_to(LOCALE_DIR) else str(path)


def test_every_language_has_a_catalogue_and_a_compiled_one():
    assert TRANSLATED_LANGUAGES, "settings.LANGUAGES lists no language besides the default"
    assert {"ur", "uk", "ne", "lo"} <= set(TRANSLATED_LANGUAGES), "the GLO.ACT countries' languages are held too"
    for code in TRANSLATED_LANGUAGES:
        po = LOCALE_DIR / code / "LC_MESSAGES" / "django.po"
        assert po.is_file(), f"{po} is missing: run `make messages`"
        assert po.with_suffix(".mo").is_file(), f"{po.with_suffix('.mo')} is missing: run compilemessages"


@pytest.mark.parametrize("po_path", PO_FILES, ids=_label)
def test_the_catalogue_is_fully_translated(po_path):
    entries = parse_po(po_path)
    header = next(e for e in entries if e.msgid == "")
    nplurals = _nplurals(entries)
    problems = []
    if "fuzzy" in header.flags:
        problems.append("the header is fuzzy")
    for e in _messages(entries):
        where = f"{_label(po_path)}:{e.line} {e.msgid[:60]!r}"
        if "fuzzy" in e.flags:
            problems.append(f"{where}: fuzzy")
        if e.msgid_plural is not None:
            if sorted(e.msgstr) != list(range(nplurals)):
                problems.append(f"{where}: {len(e.msgstr)} plural forms, the header says {nplurals}")
        elif sorted(e.msgstr) != [0]:
            problems.append(f"{where}: plural forms for a singular message")
        if any(not text for text in e.msgstr.values()):
            problems.append(f"{where}: untranslated")
    assert not problems, "\n".join(problems)


_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


@pytest.mark.parametrize("po_path", PO_FILES, ids=_label)
def test_translations_keep_the_placeholders(po_path):
    problems = []
    for e in _messages(parse_po(po_path)):
        if "python-format" not in e.flags:
            continue
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural is not None else [])
        expected = {tuple(sorted(_PLACEHOLDER.findall(text))) for text in sources}
        for index, text in e.msgstr.items():
            if tuple(sorted(_PLACEHOLDER.findall(text))) not in expected:
                problems.append(f"{_label(po_path)}:{e.line} msgstr[{index}] {text!r} does not keep {sources[0]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po_path", PO_FILES, ids=_label)
def test_the_compiled_catalogue_matches_the_po(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path} is missing: run compilemessages"
    with mo_path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]  # not in typeshed
    expected: dict[object, str] = {}
    for e in _messages(parse_po(po_path)):
        if e.msgid_plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            expected.update({(e.key, index): text for index, text in e.msgstr.items()})
    compiled = {key: value for key, value in catalog.items() if key != ""}
    stale = sorted(str(key) for key in expected if compiled.get(key) != expected[key])
    extra = sorted(str(key) for key in compiled if key not in expected)
    assert not stale and not extra, (
        f"{_label(mo_path)} is out of step with its .po: run compilemessages.\n"
        f"Missing or different: {stale[:10]}\nNot in the .po: {extra[:10]}"
    )


@pytest.mark.django_db
def test_the_sign_in_page_in_arabic_is_translated_and_right_to_left():
    response = Client(HTTP_ACCEPT_LANGUAGE="ar").get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "تسجيل الدخول" in html  # "Sign in"
    assert "Sign in" not in html
    assert re.search(r'<html lang="ar" dir="rtl">', html)
    assert "bootstrap.rtl.min.css" in html


@pytest.mark.django_db
@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_the_sign_in_page_follows_the_browser_language(code):
    response = Client(HTTP_ACCEPT_LANGUAGE=code).get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if code in RIGHT_TO_LEFT else "ltr"
    assert f'<html lang="{code}" dir="{direction}">' in html
    assert response.headers.get("Content-Language") == code
    assert ("bootstrap.rtl.min.css" in html) == (code in RIGHT_TO_LEFT)


def test_every_language_is_known_to_django_with_its_own_name_and_direction():
    """get_language_info (the switcher) knows each language, Lao included (settings adds it to LANG_INFO)."""
    assert {code for code, _name in settings.LANGUAGES} == set(ENDONYMS)
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        assert info["name_local"] == ENDONYMS[code], code
        assert info["bidi"] == (code in RIGHT_TO_LEFT), code


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["ar", "ur"])
def test_the_right_to_left_languages_get_the_rtl_page(code):
    html = Client(HTTP_ACCEPT_LANGUAGE=code).get("/accounts/login/").content.decode()
    assert f'<html lang="{code}" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html


@pytest.mark.django_db
def test_the_switcher_lists_every_language_by_its_own_name():
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/").content.decode()
    options = re.findall(r'<option value="([\w-]+)" lang="[\w-]+"[^>]*>([^<]+)</option>', html)
    assert dict(options) == ENDONYMS


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["ur", "uk", "ne", "lo", "pt-br"])
def test_the_switcher_sets_the_language(code):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/i18n/setlang/", {"language": code, "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get("/accounts/login/").content.decode()
    assert f'<html lang="{code}"' in html
