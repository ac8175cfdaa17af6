"""Consonant skeletons and phonetic codes of Latin name words: blocking values only, never a match decision."""

from __future__ import annotations

import re
from functools import lru_cache

import jellyfish

# Spellings of one sound, replaced before vowels go: digraphs of transliteration (Arabic kh, Devanagari bh, Russian
# zh), Portuguese/Spanish/French c, q, z, x. Longest first.
SKELETON_DIGRAPHS = (
    ("shch", "s"),
    ("sch", "s"),
    ("tch", "c"),
    ("dzh", "j"),
    ("ck", "k"),
    ("kh", "k"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("bh", "b"),
    ("jh", "j"),
    ("sh", "s"),
    ("zh", "j"),
    ("ch", "c"),
    ("ts", "s"),
    ("tz", "s"),
    ("dj", "j"),
    ("ng", "n"),
    ("q", "k"),
    ("c", "k"),
    ("x", "s"),
    ("z", "s"),
)
DIGRAPH_RE = re.compile("|".join(re.escape(written) for written, _ in SKELETON_DIGRAPHS))
DIGRAPH_MAP = dict(SKELETON_DIGRAPHS)
# w and y are vowels as often as consonants (Arabic و and ي, Lao ວ, Russian й); h at a word's end is Arabic ة.
DROPPED = re.compile(r"[aeiouwy]+")
DOUBLED = re.compile(r"(.)\1+")
NOT_LETTERS = re.compile(r"[^a-z]+")


@lru_cache(maxsize=65536)
def skeleton(latin_token: str) -> str:
    """The consonant skeleton of a Latin word: Mohammed, Muhammad, Mohamed and محمد (mhmd) all give "mhmd";
    Abdelrahman, Abdul Rahman, Abdurrahman and عبد الرحمن give "bdrhmn". Steps: letters only; a final h after
    anything goes (Fatimah, فاطمه); digraphs and equivalent consonants become one letter (kh k, ph f, sh s, c q k,
    z s, x s); vowels, w and y go; doubled letters collapse; the article of "abd al-" and of "al-din" goes. A word
    of vowels only keeps its first letter."""
    word = NOT_LETTERS.sub("", latin_token.lower())
    if not word:
        return ""
    if len(word) > 2 and word.endswith("h"):
        word = word[:-1]
    mapped = DIGRAPH_RE.sub(lambda match: DIGRAPH_MAP[match.group(0)], word)
    consonants = DOUBLED.sub(r"\1", DROPPED.sub("", mapped))
    if len(consonants) > 3 and consonants.startswith("bdl"):
        consonants = "bd" + consonants[3:]  # abd al-X, abdul X, abdel X: abdurrahman has no l
    if len(consonants) > 4 and consonants.endswith("ldn"):
        consonants = consonants[:-3] + "dn"  # X al-din, X ud-din, X eddine
    return consonants or word[0]


@lru_cache(maxsize=65536)
def phonetic(latin_token: str) -> str:
    """Metaphone of a Latin word (after transliteration: Metaphone reads Latin letters only)."""
    word = NOT_LETTERS.sub("", latin_token.lower())
    return jellyfish.metaphone(word) if word else ""
