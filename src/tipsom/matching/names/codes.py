"""Consonant skeletons and phonetic codes of Latin name words: blocking values only, never a match decision."""

from __future__ import annotations

import re
from functools import lru_cache

import jellyfish

# Spellings of one sound, replaced before vowels go: digraphs of transliteration (Arabic kh, Devanagari bh, Russian
# zh), Portuguese/Spanish/French c, q, z, x. Longest first. ش is sh in English spellings and ch in French ones
# (Charkaoui); ج is j, g in Egypt (Gamal, Magdy) and dj in the Maghreb and West Africa: each pair becomes one.
SKELETON_DIGRAPHS = (
    ("shch", "s"),
    ("ce", "se"),  # c before e, i, y is s in French, Spanish and Portuguese spellings (Naciri, الناصري; Marcelo)
    ("ci", "si"),
    ("cy", "sy"),
    ("tsch", "s"),
    ("sch", "s"),
    ("tch", "s"),
    ("dzh", "g"),
    ("ck", "k"),
    ("kh", "k"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("bh", "b"),
    ("jh", "g"),
    ("sh", "s"),
    ("ch", "s"),
    ("zh", "g"),
    ("ts", "s"),
    ("tz", "s"),
    ("dj", "g"),
    ("ng", "n"),
    ("q", "k"),
    ("c", "k"),
    ("x", "s"),
    ("z", "s"),
    ("j", "g"),
)
DIGRAPH_RE = re.compile("|".join(re.escape(written) for written, _ in SKELETON_DIGRAPHS))
DIGRAPH_MAP = dict(SKELETON_DIGRAPHS)
# w and y are vowels as often as consonants (Arabic و and ي, Lao ວ, Russian й), and v and w are one letter across
# spellings (Pervez and پرویز, Kowalenko, Wongsa and Vongsa): all go with the vowels.
DROPPED = re.compile(r"[aeiouwyv]+")
DOUBLED = re.compile(r"(.)\1+")
NOT_LETTERS = re.compile(r"[^a-z]+")
# Letters of one class after the digraphs: g (with j, dj, gh, zh) and h (Гончаренко: Goncharenko and Honcharenko).
ONE_CLASS = str.maketrans({"g": "h"})


DIGRAPH_HEADS = set("cstkpgzdbj")


ARTICLE_PREFIXES = ("al", "el")
ARTICLE_MIN_WORD = 6


def drop_article(word: str) -> str:
    """The Arabic article written onto a Latin name before a consonant (Elkholy, Elmasry: الخولي, المصري) goes, as
    it goes when Arabic script writes it (a particle of its own). Every spelling of a name that begins so loses it
    alike (Albert, Альберт); before a vowel it stays (Alexander, Elena)."""
    if len(word) >= ARTICLE_MIN_WORD and word.startswith(ARTICLE_PREFIXES) and word[2] not in "aeiouy":
        return word[2:]
    return word


def drop_final_h(word: str) -> str:
    """A final h is a spelling of the Arabic ta marbuta or heh (Fatimah, فاطمه): it goes, unless it ends a digraph
    (Bogdanovitch, Singh, Sheikh)."""
    if len(word) > 2 and word.endswith("h") and word[-2] not in DIGRAPH_HEADS:
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def skeleton(latin_token: str) -> str:
    """The consonant skeleton of a Latin word: Mohammed, Muhammad, Mohamed and محمد (mhmd) all give "mhmd";
    Abdelrahman, Abdul Rahman, Abdurrahman and عبد الرحمن give "bdrhmn". Steps: letters only; a final h after
    anything but a digraph's first letter goes (Fatimah, فاطمه; Bogdanovitch keeps its ch); digraphs and
    equivalent consonants become one letter (kh k, ph f, sh ch s, c q k, z s, x s, j dj g), and g and h are one
    (Cyrillic г is g in Russian and h in Ukrainian and Belarusian spellings, and a Russian text does not say
    which: Гончаренко, Honcharenko); vowels, w, v and y go; doubled letters collapse; the article of "abd al-"
    and of "al-din" goes. A word of vowels only keeps its first letter."""
    word = NOT_LETTERS.sub("", latin_token.lower())
    if not word:
        return ""
    word = drop_final_h(drop_article(word))
    mapped = DIGRAPH_RE.sub(lambda match: DIGRAPH_MAP[match.group(0)], word).translate(ONE_CLASS)
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


VOWEL_LETTERS = set("aeiouwyv")
# The vowel classes an Arabic long vowel (ا و ي, transliterated a, u/w, i/y) may be spelled with in Latin letters.
LONG_VOWEL_SPELLINGS = {"a": set("ae"), "u": set("uowv"), "i": set("iey")}
LATIN_LONG_VOWELS = ("ou", "oo", "ee", "aa", "ii", "uu")


def vowel_slots(latin_token: str) -> tuple[str, tuple[str, ...]]:
    """(consonants, the vowel letters after each consonant) of a Latin word, consonants mapped as in skeleton()."""
    word = NOT_LETTERS.sub("", latin_token.lower())
    word = drop_final_h(drop_article(word))
    mapped = DIGRAPH_RE.sub(lambda match: DIGRAPH_MAP[match.group(0)], word).translate(ONE_CLASS)
    consonants: list[str] = []
    slots: list[str] = []
    for char in mapped:
        if char in VOWEL_LETTERS:
            if slots:
                slots[-1] += char
        elif consonants and consonants[-1] == char and not slots[-1]:
            continue  # a doubled consonant (Muhammad)
        else:
            consonants.append(char)
            slots.append("")
    # The article of abd al-X and X al-din, which Latin spellings often assimilate (Abdurrahman, Noureddine).
    joined = "".join(consonants)
    for position, applies in (
        (2, len(joined) > 3 and joined.startswith("bdl")),
        (-3, len(joined) > 4 and joined.endswith("ldn")),
    ):
        if applies:
            index = position % len(consonants)
            slots[index - 1] += slots[index]
            del consonants[index], slots[index]
            joined = "".join(consonants)
    return joined, tuple(slots)


@lru_cache(maxsize=65536)
def arabic_spelling_agrees(arabic_latin: str, latin: str) -> bool:
    """Whether a Latin spelling can be the Arabic-script word transliterated as `arabic_latin`: the same consonants,
    each long vowel the Arabic writes (ا و ي) spelled with a vowel of its kind, and no long vowel the Latin writes
    (ou, oo, ee) missing in the Arabic. Hisham and هشام agree, Hashim does not; Mahmoud and محمد do not."""
    arabic_consonants, arabic_slots = vowel_slots(arabic_latin)
    latin_consonants, latin_slots = vowel_slots(latin)
    if not arabic_consonants or arabic_consonants != latin_consonants:
        return False
    for arabic_slot, latin_slot in zip(arabic_slots, latin_slots, strict=True):
        for vowel in arabic_slot:
            kind = "u" if vowel in "uw" else "i" if vowel in "iy" else "a"
            if not set(latin_slot) & LONG_VOWEL_SPELLINGS[kind]:
                return False
        if not arabic_slot and any(long_vowel in latin_slot for long_vowel in LATIN_LONG_VOWELS):
            return False
    return True


SOFT_SPELLINGS = (
    ("ee", "i"),
    ("ii", "i"),
    ("ie", "i"),
    ("oo", "u"),
    ("ou", "u"),
    ("uu", "u"),
    ("aa", "a"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("w", "v"),
    ("y", "i"),
)
SOFT_RE = re.compile("|".join(re.escape(written) for written, _ in SOFT_SPELLINGS))
SOFT_MAP = dict(SOFT_SPELLINGS)


@lru_cache(maxsize=65536)
def soft_latin(latin_token: str) -> str:
    """A Latin word with its vowels kept but spelling habits evened out (ee/i, ou/u, w/v, y/i, doubled letters):
    Deepak and dipak (दीपक), Bounmy and bounmi, Musharraf and Musharaf read alike to Jaro-Winkler."""
    return DOUBLED.sub(r"\1", SOFT_RE.sub(lambda match: SOFT_MAP[match.group(0)], latin_token))


SPELLING_VOWELS = str.maketrans({"y": "i", "w": "v", "o": "u", "e": "i"})


@lru_cache(maxsize=65536)
def spelling_form(latin_token: str) -> str:
    """A Latin word as the skeleton hears it, vowels kept but in three classes (a; e i y; o u w): consonants mapped
    as in skeleton() (digraphs, c q k, g h), the final h and a joined article gone, doubled letters collapsed. Two
    transliterations of one name in another script read alike (Iarochevitch and Ярошевич yaroshevich, Neupane and
    न्यौपाने nyaupane) where their letters do not: for Jaro-Winkler across scripts, never a blocking key."""
    word = NOT_LETTERS.sub("", latin_token.lower())
    if not word:
        return ""
    word = drop_final_h(drop_article(word))
    mapped = DIGRAPH_RE.sub(lambda match: DIGRAPH_MAP[match.group(0)], word).translate(ONE_CLASS)
    return DOUBLED.sub(r"\1", mapped.translate(SPELLING_VOWELS))
