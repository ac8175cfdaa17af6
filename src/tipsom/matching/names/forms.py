"""The normal forms of one person's name: words folded, joined where Arabic writes one name as two words, tagged
(given, family, patronymic, particle), transliterated, looked up in the equivalents table and coded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tipsom.matching.names.codes import phonetic, skeleton
from tipsom.matching.names.equivalents import default_equivalents
from tipsom.matching.names.text import (
    SCRIPT_ARABIC,
    SCRIPT_CYRILLIC,
    SCRIPT_LATIN,
    SCRIPT_MIXED,
    SCRIPT_OTHER,
    fold_report,
    split_words,
    token_script,
)
from tipsom.matching.names.translit import arabic_variant, cyrillic_variant, word_to_latin

ROLE_GIVEN = "given"
ROLE_FAMILY = "family"
ROLE_PATRONYMIC = "patronymic"
ROLE_PARTICLE = "particle"
ROLE_OTHER = "other"

MAX_INPUT = 1000  # characters read of each given string (a longer one is cut before any work)
MAX_FOLDED = 200  # characters of a folded name kept
MAX_WORDS = 12  # words of a name kept

WARNING_EMPTY = "empty"
WARNING_NO_LETTERS = "no_letters"
WARNING_MIXED = "mixed_scripts"
WARNING_CONTROL = "control_chars_removed"
WARNING_TRUNCATED = "truncated"


@dataclass(frozen=True)
class NamePart:
    text: str  # the word as folded in its own script
    latin: str  # its Latin transliteration (lower-case ASCII letters)
    canonical: str  # canonical id from the equivalents table, or "" when the word is not in it
    skeleton: str  # consonant skeleton of `latin`
    phonetic: str  # phonetic code of `latin` (Metaphone)
    role: str  # "given", "family", "patronymic", "particle", "other"


@dataclass(frozen=True)
class NameForms:
    original_script: str  # ISO 15924: Latn, Arab, Cyrl, Deva, Laoo, "other", or "mixed"
    native: str  # folded native form, words sorted, joined by a space ("" when nothing is left)
    latin: str  # Latin form, words sorted
    canonical: str  # words as canonical ids where known, else Latin, sorted (particles left out): order-free key
    skeleton: str  # word skeletons sorted (particles left out)
    parts: tuple[NamePart, ...]  # in the written order
    warnings: tuple[str, ...]  # "empty", "no_letters", "mixed_scripts", "control_chars_removed", "truncated"

    def significant(self) -> tuple[NamePart, ...]:
        """The parts that are names (not particles); all parts when the name is only particles."""
        named = tuple(part for part in self.parts if part.role != ROLE_PARTICLE)
        return named or self.parts


# Arabic name chains. "Abd" (servant of) and "Abu" (father of) make one name with the word after them; a
# following article (al-, el-, ar-, ...) belongs to that name too. Written apart or together, they become one word.
ABD_HEADS = {"abd", "abdel", "abdal", "abdul", "abdil", "abdol", "abdou", "abdoul", "abdu", "abdur", "abdus", "عبد"}
ABU_HEADS = {"abu", "abou", "abo", "ابو"}
ARTICLES = {"al", "el", "ul", "ال"}
# The article assimilated to the sun letter after it (ar-Rahman, an-Nasser, ash-Shami): an article only there,
# since "An", "Ed" or "As" may be names of their own.
ASSIMILATED_ARTICLES = {"ar", "er", "ur", "as", "es", "us", "ad", "ed", "ud", "an", "en", "un", "at", "et", "ut"}
ASSIMILATED_ARTICLES |= {"az", "ez", "uz", "ash", "ech", "ach", "esh"}
DIN_TAILS = {"din", "deen", "dine", "dinne", "eddine", "eddin", "uddin", "addin", "aldin", "eldin", "الدين"}
DIN_TAILS |= {"allah", "ullah", "ulla", "alla", "الله"}  # Sanaullah, ثناء الله
ARABIC_ARTICLE = "ال"
URDU_BIBI = "بي"
# Words that link names rather than being names: "son/daughter of", Romance and Dutch particles, Lao titles.
CHAIN_PARTICLES = {"bin", "ibn", "bint", "binti", "ben", "ould", "ag", "walad", "بن", "ابن", "بنت", "ولد"}
KYRGYZ_PATRONYMIC = {"uulu", "kyzy", "уулу", "кызы", "ogly", "оглы", "ugli", "qizi"}
PARTICLES = CHAIN_PARTICLES | KYRGYZ_PATRONYMIC | ARTICLES
PARTICLES |= {"de", "da", "do", "dos", "das", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den"}
PARTICLES |= {"ter", "y", "e", "ທ້າວ", "ນາງ", "ທາວ"}

# Words that are particles only between two names ("Ben" first is a given name; "y" and "e" join family names).
NOT_FIRST_PARTICLES = {"ben", "y", "e", "la", "le", "do"}

PATRONYMIC_SUFFIXES = re.compile(
    r"(ovna|evna|ivna|yivna|ichna|ovych|evych|ovich|evich|yovych|ovіch|авіч|евіч|аўна|еўна|овна|евна|івна|ївна|ична|"
    r"ович|евич|йович|ьович)$"
)
MALE_PATRONYMIC = re.compile(r"(ovych|evych|ovich|evich|yovych|авіч|евіч|ович|евич|йович|ьович)$")
FAMILY_SUFFIXES = re.compile(r"(enko|chuk|czuk|yuk|енко|чук|юк|ська|ський|ская|ский|skyi|skaya|sky|ski)$")


def is_article(word: str, following: str) -> bool:
    if word in ARTICLES:
        return True
    if word in ASSIMILATED_ARTICLES and following:
        consonant = word[1:]
        return following.startswith(consonant) or (consonant in ("sh", "ch") and following[:1] in "sc")
    return False


def join_chains(words: list[str]) -> list[str]:
    """abd/abu + (article) + name, and name + (article) din, as one word: "Abd al-Rahman", "Abdel Rahman",
    "عبد الرحمن" -> abdalrahman / abdelrahman / عبدالرحمن; "Salah ad-Din" -> salahaddin."""
    out: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        rest = words[index + 1 :]
        if word in ABD_HEADS | ABU_HEADS and rest and rest[0] not in CHAIN_PARTICLES:
            if len(rest) > 1 and is_article(rest[0], rest[1]):
                out.append(word + rest[0] + rest[1])
                index += 3
            else:
                out.append(word + rest[0])
                index += 2
            continue
        if out and rest and rest[0] in DIN_TAILS and is_article(word, rest[0]):
            out[-1] = out[-1] + word + rest[0]
            index += 2
            continue
        if word == URDU_BIBI and rest and rest[0] == URDU_BIBI:
            out.append(word + rest[0])  # بی بی, one title-name written in two words
            index += 2
            continue
        if out and word in DIN_TAILS and out[-1] not in PARTICLES:
            out[-1] = out[-1] + word
            index += 1
            continue
        out.append(word)
        index += 1
    return out


def split_arabic_articles(words: list[str]) -> list[str]:
    """The article written onto an Arabic word (السيسي) becomes a word of its own, as Latin spellings write it
    (El Sisi, Al-Sisi); a word the table knows whole (الهام Ilham, الياس Ilyas) is kept. A Latin word with the
    article joined (Elsayed) is split the same way when the table knows the rest; two given names written as one
    Latin word are split (split_compound)."""
    table = default_equivalents()
    out: list[str] = []
    for word in words:
        if (
            word.startswith(ARABIC_ARTICLE)
            and len(word) >= 5
            and word not in table.by_spelling
            and token_script(word) == SCRIPT_ARABIC
        ):
            out.extend((ARABIC_ARTICLE, word[2:]))
        elif (
            word[:2] in ("al", "el")
            and len(word) >= 6
            and word.isascii()
            and word not in table.by_latin
            and table.by_latin.get(word[2:])
        ):
            out.extend((word[:2], word[2:]))  # Elsayed, Alsayed: the article joined in Latin too (السيد)
        else:
            out.extend(split_compound(word, table.by_latin, table.kinds))
    return out


# The least length of the first and of the second name of a compound: a Lao name is often two syllables the table
# knows as names of their own (Khamphone, Kham and Phone), and stays one word.
MIN_COMPOUND_HEAD = 5
MIN_COMPOUND_PART = 3


def split_compound(word: str, by_latin: dict[str, str], kinds: dict[str, str]) -> list[str]:
    """A Latin word the table does not know that is two given names it knows, written together (Fatimazahra,
    Mohamedamine), becomes the two words; anything else stays one word."""
    if not word.isascii() or len(word) < MIN_COMPOUND_HEAD + MIN_COMPOUND_PART or word in by_latin:
        return [word]
    for cut in range(MIN_COMPOUND_HEAD, len(word) - MIN_COMPOUND_PART + 1):
        head, tail = word[:cut], word[cut:]
        if tail.startswith(("al", "el")) and len(tail) > MIN_COMPOUND_PART + 2 and by_latin.get(tail[2:]):
            tail = tail[2:]  # Fatimaezzahra: the article between them
        found = [by_latin.get(head, ""), by_latin.get(tail, "")]
        if all(found) and all(kinds.get(canonical) in ("given", "any") for canonical in found):
            return [head, tail]
    return [word]


# "Ben Ali" in the family name is the Maghreb family name Benali (بنعلي), written in one word as often as in two.
JOINED_FAMILY_HEADS = {"ben", "بن"}


@dataclass(frozen=True)
class WordCodes:
    latin: str
    canonical: str
    skeleton: str
    phonetic: str
    kind: str  # the table's kind of the canonical id ("" when unknown)


@lru_cache(maxsize=200_000)
def word_codes(word: str, variant: str) -> WordCodes:
    table = default_equivalents()
    latin = word_to_latin(word, variant)
    canonical = table.lookup(word, latin)
    if not canonical and latin.startswith("abd") and len(latin) > 5:
        canonical = abd_lookup(latin)
    return WordCodes(
        latin=latin,
        canonical=canonical,
        skeleton=skeleton(latin),
        phonetic=phonetic(latin),
        kind=table.kinds.get(canonical, "") if canonical else "",
    )


@lru_cache(maxsize=200_000)
def name_part(word: str, variant: str, role: str) -> NamePart:
    codes = word_codes(word, variant)
    return NamePart(
        text=word,
        latin=codes.latin,
        canonical=codes.canonical,
        skeleton=codes.skeleton,
        phonetic=codes.phonetic,
        role=role,
    )


ABD_LATIN = re.compile(r"^abd(?:[aeiou]?l|[aeiou](?=([a-z])\1)|[aeiou])?")


def abd_lookup(latin: str) -> str:
    """Abd names written in a way the table does not list: the same name under its other spellings of the article."""
    table = default_equivalents()
    rest = ABD_LATIN.sub("", latin)
    for head in ("abdel", "abdul", "abdal", "abd", "abdu"):
        found = table.by_latin.get(head + rest)
        if found:
            return found
    return ""


def spelling_key(spelling: str) -> tuple[str, str, bool] | None:
    """(folded word, its Latin form, whether it is written in Latin) of a table spelling, or None when it is not
    one name word once folded and joined."""
    folded, _removed = fold_report(spelling)
    words = join_chains(split_words(folded))
    if len(words) != 1:
        words = ["".join(words)] if words else []
    if not words:
        return None
    word = words[0]
    latin = word_to_latin(word, cyrillic_variant(word))
    return word, latin, token_script(word) == SCRIPT_LATIN


def tag_roles(words: list[str], hints: list[str], kinds: list[str]) -> list[str]:
    """Best-effort roles of a name's words (hints come from the field a word was given in)."""
    count = len(words)
    roles = [""] * count
    for index, word in enumerate(words):
        is_last = index == count - 1
        if word in KYRGYZ_PATRONYMIC and index > 0:
            roles[index] = ROLE_PARTICLE  # "son/daughter of", after the father's name: last in the name
        elif word in PARTICLES and not is_last and count > 1 and not (index == 0 and word in NOT_FIRST_PARTICLES):
            roles[index] = ROLE_PARTICLE
        elif 0 < index < count - 1 and word in ASSIMILATED_ARTICLES and is_article(word, words[index + 1]):
            roles[index] = ROLE_PARTICLE
    if all(role == ROLE_PARTICLE for role in roles if role) and roles.count(ROLE_PARTICLE) == count:
        roles = [""] * count
    for index, word in enumerate(words):
        if roles[index]:
            continue
        previous = words[index - 1] if index else ""
        following = words[index + 1] if index + 1 < count else ""
        if previous in CHAIN_PARTICLES and roles[index - 1] == ROLE_PARTICLE:
            roles[index] = ROLE_PATRONYMIC
        elif following in KYRGYZ_PATRONYMIC:
            roles[index] = ROLE_PATRONYMIC
        elif PATRONYMIC_SUFFIXES.search(word):
            # -ovich is also a Belarusian family name: a patronymic only beside a given and a family name.
            named_words = count - roles.count(ROLE_PARTICLE)
            if not MALE_PATRONYMIC.search(word) or named_words >= 3:
                roles[index] = ROLE_PATRONYMIC
    for index in range(count):
        if not roles[index] and hints[index]:
            roles[index] = hints[index]
    for index in range(count):
        if not roles[index] and kinds[index] in (ROLE_GIVEN, ROLE_FAMILY):
            roles[index] = kinds[index]
    for index, word in enumerate(words):
        if not roles[index] and FAMILY_SUFFIXES.search(word) and count > 1:
            roles[index] = ROLE_FAMILY
    open_slots = [index for index in range(count) if not roles[index]]
    if open_slots and ROLE_GIVEN not in roles:
        roles[open_slots.pop(0)] = ROLE_GIVEN
    if open_slots and ROLE_FAMILY not in roles:
        roles[open_slots.pop()] = ROLE_FAMILY
    for index in open_slots:
        roles[index] = ROLE_OTHER
    named = [index for index in range(count) if roles[index] not in (ROLE_PARTICLE, ROLE_PATRONYMIC)]
    if len(named) > 1 and ROLE_FAMILY not in roles and not hints[named[-1]]:
        # Given names serve as family names (Arabic, West African): the last name word is the family name.
        roles[named[-1]] = ROLE_FAMILY
    return roles


def name_forms(*names: str) -> NameForms:
    """The normal forms of one person's name, given as one string or as parts (given, family, other...): parts
    are read in that order and tagged by the field they came from. Never raises: a name with nothing usable
    gives empty forms and a warning code."""
    warnings: list[str] = []
    pieces: list[tuple[str, str]] = []
    field_roles = (ROLE_GIVEN, ROLE_FAMILY) if len(names) > 1 else ()
    total = 0
    any_text = False
    for position, raw in enumerate(names):
        if not isinstance(raw, str):
            continue
        if len(raw) > MAX_INPUT:
            raw = raw[:MAX_INPUT]
            if WARNING_TRUNCATED not in warnings:
                warnings.append(WARNING_TRUNCATED)
        folded, removed = fold_report(raw)
        if removed and WARNING_CONTROL not in warnings:
            warnings.append(WARNING_CONTROL)
        # Something was written (even if only tatweel or controls): "no letters" rather than "empty".
        any_text = any_text or bool(raw.strip())
        if not folded:
            continue
        if total + len(folded) > MAX_FOLDED:
            folded = folded[: max(0, MAX_FOLDED - total)]
            if WARNING_TRUNCATED not in warnings:
                warnings.append(WARNING_TRUNCATED)
        total += len(folded)
        hint = field_roles[position] if position < len(field_roles) else (ROLE_OTHER if field_roles else "")
        pieces.append((folded, hint))
    words: list[str] = []
    hints: list[str] = []
    for folded, hint in pieces:
        piece_words = split_arabic_articles(join_chains(split_words(folded)))
        if hint == ROLE_FAMILY and len(piece_words) == 2 and piece_words[0] in JOINED_FAMILY_HEADS:
            piece_words = [piece_words[0] + piece_words[1]]
        words.extend(piece_words)
        hints.extend([hint] * len(piece_words))
    if len(words) > MAX_WORDS:
        words, hints = words[:MAX_WORDS], hints[:MAX_WORDS]
        if WARNING_TRUNCATED not in warnings:
            warnings.append(WARNING_TRUNCATED)
    if not words:
        warnings.insert(0, WARNING_NO_LETTERS if any_text else WARNING_EMPTY)
        return NameForms(SCRIPT_OTHER, "", "", "", "", (), tuple(warnings))
    scripts = [token_script(word) for word in words]
    script = scripts[0] if len(set(scripts)) == 1 else SCRIPT_MIXED
    if script == SCRIPT_MIXED:
        warnings.append(WARNING_MIXED)
    variants = [""] * len(words)
    if SCRIPT_CYRILLIC in scripts:
        # The romanisation follows the language of the whole name (Наталія tells that Коваленко is Ukrainian).
        variant = cyrillic_variant(" ".join(folded for folded, _hint in pieces))
        variants = [variant if kind == SCRIPT_CYRILLIC else "" for kind in scripts]
    if SCRIPT_ARABIC in scripts:
        # Urdu and Farsi read some Arabic letters otherwise: the name's other words tell (صائمہ tells عثمان).
        arabic = arabic_variant("".join(raw for raw in names if isinstance(raw, str)))
        variants = [arabic if kind == SCRIPT_ARABIC else old for kind, old in zip(scripts, variants, strict=True)]
    kinds = [word_codes(word, variant).kind for word, variant in zip(words, variants, strict=True)]
    roles = tag_roles(words, hints, kinds)
    parts = tuple(name_part(*triple) for triple in zip(words, variants, roles, strict=True))
    named = [part for part in parts if part.role != ROLE_PARTICLE] or parts
    return NameForms(
        original_script=script,
        native=" ".join(sorted(part.text for part in parts)),
        latin=" ".join(sorted(part.latin for part in parts if part.latin)),
        canonical=" ".join(sorted(part.canonical or part.latin or part.text for part in named)),
        skeleton=" ".join(sorted(part.skeleton for part in named if part.skeleton)),
        parts=parts,
        warnings=tuple(warnings),
    )
