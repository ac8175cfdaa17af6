"""Matching keys for person names and documents: normalised, order-insensitive, then blind-indexed."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

from anyascii import anyascii

from tipsom.core.crypto import blind_index

PURPOSE_NAME = "person.name"
PURPOSE_NAME_LATIN = "person.name.latin"
PURPOSE_DOCUMENT = "person.document"
PURPOSE_WORD = "person.name.word"
PURPOSE_PREFIX = "person.name.prefix"

# Part of a name is found by a whole word or by the beginning of a word of at least MIN_PREFIX characters.
MIN_PREFIX = 3
MAX_PREFIX = 24  # longer beginnings add keys without finding more
MAX_QUERY_WORDS = 6
KIND_WORD = "word"
KIND_PREFIX = "prefix"

# Unicode character-name prefixes of the scripts tipsom's countries write names in (ISO 15924 codes).
_SCRIPTS = {"LATIN": "Latn", "ARABIC": "Arab", "CYRILLIC": "Cyrl", "DEVANAGARI": "Deva", "LAO": "Laoo"}
SCRIPT_OTHER = "other"


@dataclass(frozen=True)
class NameKeys:
    """What the registry stores beside an encrypted name so it can be found without decrypting."""

    latin: str  # the Latin form: as given, or transliterated
    script: str  # ISO 15924 code of the name's main script, or "other"
    key_exact: str
    key_latin: str


def _words(text: str) -> list[str]:
    # Punctuation and symbols separate words ("Jean-Pierre", "O'Neil"); marks stay, Devanagari needs them.
    folded = unicodedata.normalize("NFKC", text).casefold()
    cleaned = "".join(" " if unicodedata.category(char)[0] in "PSZC" else char for char in folded)
    return cleaned.split()


def normalize_name(name: str) -> str:
    """Case-, punctuation- and word-order-insensitive form of a name in its own script."""
    return " ".join(sorted(_words(name)))


def normalize_latin(text: str) -> str:
    """The ASCII transliteration, lower case, letters and digits only, words sorted."""
    ascii_words = (word for raw in _words(anyascii(text)) for word in _words(raw))
    return " ".join(sorted(word for word in ascii_words if word))


def detect_script(name: str) -> str:
    counts: Counter[str] = Counter()
    for char in name:
        if unicodedata.category(char)[0] in "LM":
            prefix = unicodedata.name(char, "").split(" ", 1)[0]
            counts[_SCRIPTS.get(prefix, SCRIPT_OTHER)] += 1
    return counts.most_common(1)[0][0] if counts else SCRIPT_OTHER


def latin_form(name: str, latin: str = "") -> str:
    """The given Latin spelling, or a transliteration when none was given."""
    given = " ".join(latin.split())
    return given or " ".join(anyascii(name).split())


def _key(normalized: str, purpose: str) -> str:
    # An empty form gets no key, so it can never match another empty form.
    return blind_index(normalized, purpose=purpose) if normalized else ""


def name_keys(name: str, latin: str = "") -> NameKeys:
    latin_value = latin_form(name, latin)
    return NameKeys(
        latin=latin_value,
        script=detect_script(name),
        key_exact=_key(normalize_name(name), PURPOSE_NAME),
        key_latin=_key(normalize_latin(latin_value), PURPOSE_NAME_LATIN),
    )


def query_keys(query: str) -> list[tuple[str, str]]:
    """[(key field, key)] for what someone typed in a search box: its own spelling and its Latin form."""
    pairs = [
        ("key_exact", _key(normalize_name(query), PURPOSE_NAME)),
        ("key_latin", _key(normalize_latin(query), PURPOSE_NAME_LATIN)),
    ]
    return [(field, key) for field, key in pairs if key]


def _latin_words(text: str) -> list[str]:
    return [word for raw in _words(anyascii(text)) for word in _words(raw) if word]


def _word_forms(word: str) -> set[str]:
    """A word as written and its Latin transliteration (when that is one word)."""
    forms = {word}
    latin = _latin_words(word)
    if len(latin) == 1:
        forms.add(latin[0])
    return forms


def name_search_keys(name: str, latin: str = "") -> set[tuple[str, str]]:
    """{(kind, key)} stored beside a name so that part of it can be found: each word of the name in its own script
    and of its Latin form ("word"), and each beginning of such a word of MIN_PREFIX characters or more ("prefix").
    Word order does not matter: every word has its own key. Only keyed hashes: nothing reverses them."""
    words = set(_words(name)) | set(_latin_words(latin_form(name, latin)))
    for word in list(words):
        words |= _word_forms(word)
    keys: set[tuple[str, str]] = set()
    for word in words:
        keys.add((KIND_WORD, blind_index(word, purpose=PURPOSE_WORD)))
        for length in range(MIN_PREFIX, min(len(word), MAX_PREFIX + 1)):
            keys.add((KIND_PREFIX, blind_index(word[:length], purpose=PURPOSE_PREFIX)))
    return keys


def query_word_keys(query: str) -> list[list[str]]:
    """For each word typed in a search box (at most MAX_QUERY_WORDS), the keys any one of which matches it: the
    word as a whole word, or, from MIN_PREFIX characters on, as the beginning of a word; each in its own spelling
    and in its Latin form. A name matches when it matches every word, in any order."""
    alternatives: list[list[str]] = []
    for word in list(dict.fromkeys(_words(query)))[:MAX_QUERY_WORDS]:
        keys: set[str] = set()
        for form in _word_forms(word):
            keys.add(blind_index(form, purpose=PURPOSE_WORD))
            if MIN_PREFIX <= len(form) <= MAX_PREFIX:
                keys.add(blind_index(form, purpose=PURPOSE_PREFIX))
        alternatives.append(sorted(keys))
    return alternatives


def document_key(number: str) -> str:
    """Spaces, dashes and case do not matter in a document number."""
    compact = "".join(char for char in unicodedata.normalize("NFKC", number).casefold() if char.isalnum())
    return blind_index(compact, purpose=PURPOSE_DOCUMENT)
