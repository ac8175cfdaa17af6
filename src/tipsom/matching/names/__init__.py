"""Normal forms of person names across the scripts of tipsom's countries, and how alike two names are.

Public API (pure Python: no database, no models)::

    name_forms(*names) -> NameForms          one person's name, as one string or as given, family (, other) parts
    fold(text) -> str                        NFKC + casefold, Arabic folding, invisible characters removed
    transliterate(text) -> str               lower-case ASCII Latin: anyascii plus tipsom's per-script rules
    skeleton(latin_token) -> str             consonant skeleton of a Latin word (a blocking value only)
    name_similarity(a, b) -> NameComparison  level, score and reasons, word order ignored
    block_values(forms) -> set[(kind, value)]  plain values the caller stores as keyed hashes (HMAC)
    equivalents(extra_paths=()) -> Equivalents  the cross-script table, with country files added

How a name is read:
1. fold: NFKC and casefold; Arabic alef variants (أ إ آ ٱ) to ا, ة to ه, ى to ي, Farsi/Urdu yeh, kaf and heh to
   the Arabic letters; harakat, shadda, sukun, superscript alef and tatweel removed; control, bidi and format
   characters removed (the silent joiners ZWJ/ZWNJ without a warning, a zero-width space as a space); the
   combining marks Devanagari, Lao and Latin accents need are kept.
2. words: letters and marks make words, anything else separates them; apostrophes inside a word vanish (Дар'я).
   Arabic chains are joined: abd/abu + (article) + name, name + (article) din: "Abd al-Rahman", "Abdel Rahman"
   and "عبد الرحمن" are one word each.
3. transliteration: anyascii, except Arabic (long vowels kept as a/u/i, short ones are not written), Cyrillic
   (Russian/Kyrgyz, Ukrainian or Belarusian passport romanisation chosen from the letters the name uses), Devanagari
   (inherent vowel, श/ष as sh, final schwa) and Lao (vowels written before their consonant, ອ and ວ as vowels,
   silent ຫ): see translit.py.
4. the equivalents table (matching/data/name_equivalents.json, format in equivalents.py) gives each known word a
   canonical id: Mohammed, Muhammad, محمد and Мухаммед are all "muhammad"; Mahmoud is "mahmoud". A country adds
   its own files through the setting TIPSOM_NAME_EQUIVALENTS (a list of paths) or `equivalents(extra_paths=...)`;
   after changing the setting, call `equivalents_reload()`.
5. roles: particles (bin, ibn, bint, ould, ag, al, el, ar- before r..., de, da, dos, van, uulu, kyzy...),
   patronymics (the name after bin/ibn, before uulu/kyzy, or ending -ovich/-ovna/-ivna...), then given/family from
   the field a word was given in, the table's kind, family suffixes (-enko, -chuk) and position.

Comparison (name_similarity): words are aligned whatever their order (the best assignment), particles left out.
Two words agree when they share a canonical id or a Latin form; otherwise they are scored by Jaro-Winkler on the
Latin forms (and on spellings evened out: ee/i, ou/u, w/v), an Arabic-script word against a Latin one by its
consonants and long vowels, and two words the table knows as different names at most 0.80. Reason codes:
"same_native", "same_canonical_form" (exact level), "same_canonical:<id>", "<role>_<exact|close|similar|different>",
"<role>_different_names", "dropped:<role>", "order_differs", "one_word_only", "scripts:<A>-<B>", "empty".

The skeleton and phonetic codes are blocking keys only: they bring candidates together and never decide a match.
"""

from __future__ import annotations

from tipsom.matching.names.codes import phonetic, skeleton
from tipsom.matching.names.compare import LEVELS, NameComparison, block_values, name_similarity
from tipsom.matching.names.equivalents import Equivalents, default_equivalents, equivalents
from tipsom.matching.names.forms import NameForms, NamePart, name_forms, name_part, word_codes
from tipsom.matching.names.text import fold
from tipsom.matching.names.translit import transliterate


def equivalents_reload() -> None:
    """Forget the loaded table and every word read with it (after TIPSOM_NAME_EQUIVALENTS changed)."""
    default_equivalents.cache_clear()
    word_codes.cache_clear()
    name_part.cache_clear()


__all__ = [
    "LEVELS",
    "Equivalents",
    "NameComparison",
    "NameForms",
    "NamePart",
    "block_values",
    "equivalents",
    "equivalents_reload",
    "fold",
    "name_forms",
    "name_similarity",
    "phonetic",
    "skeleton",
    "transliterate",
]
