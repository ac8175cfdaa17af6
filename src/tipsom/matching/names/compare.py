"""Comparing two names word by word, whatever their order, and the blocking values that bring candidates together."""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations, permutations

from rapidfuzz.distance import JaroWinkler

from tipsom.matching.names.codes import arabic_spelling_agrees, soft_latin
from tipsom.matching.names.forms import (
    ROLE_FAMILY,
    ROLE_GIVEN,
    ROLE_OTHER,
    ROLE_PATRONYMIC,
    NameForms,
    NamePart,
)
from tipsom.matching.names.text import SCRIPT_ARABIC, token_script

LEVEL_EXACT = "exact"
LEVEL_CANONICAL = "canonical"
LEVEL_CLOSE = "close"
LEVEL_SIMILAR = "similar"
LEVEL_DIFFERENT = "different"
LEVELS = (LEVEL_EXACT, LEVEL_CANONICAL, LEVEL_CLOSE, LEVEL_SIMILAR, LEVEL_DIFFERENT)

CLOSE = 0.92
SIMILAR = 0.84
# Two words the table knows as different names (Muhammad, Mahmoud) are at most this alike, however close their
# spellings: the table knows better than the letters.
DIFFERENT_NAMES_CAP = 0.80
# A word written in Arabic script has no short vowels: against a Latin spelling, the same consonants with its long
# vowels in place make it close; the same consonants alone (Hashim, هشام) only similar at best.
VOWELLESS_AGREEMENT = 0.96
VOWELLESS_DISCOUNT = 0.90
# Two words in two scripts with one consonant skeleton are at least similar.
CROSS_SCRIPT_SKELETON = 0.90
ALIKE_CAP = 0.99
# Each word of the longer name left without a partner (a dropped patronymic or middle name) costs this factor.
LEFTOVER_FACTOR = 0.95
# A word below this does not let the whole name be "close", however well the others agree.
CLOSE_WORD_FLOOR = 0.80
MAX_PERMUTATIONS = 720  # up to 6 words against 6 are aligned exhaustively, longer names greedily


@dataclass(frozen=True)
class NameComparison:
    level: str  # "exact", "canonical", "close", "similar" or "different"
    score: float  # 0..1, word-aligned similarity (best assignment of words, order ignored)
    reasons: tuple[str, ...]  # short machine codes: "same_canonical:muhammad", "family_close", "dropped:patronymic"


def word_similarity(left: NamePart, right: NamePart) -> float:
    if left.canonical and left.canonical == right.canonical:
        return 1.0
    if left.latin and left.latin == right.latin:
        return 1.0
    if left.text == right.text:
        return 1.0
    if left.latin and right.latin:
        similarity = max(
            JaroWinkler.normalized_similarity(left.latin, right.latin),
            JaroWinkler.normalized_similarity(soft_latin(left.latin), soft_latin(right.latin)),
        )
        left_script, right_script = token_script(left.text), token_script(right.text)
        if (left_script == SCRIPT_ARABIC) != (right_script == SCRIPT_ARABIC):
            arabic, latin = (left, right) if left_script == SCRIPT_ARABIC else (right, left)
            if arabic_spelling_agrees(arabic.latin, latin.latin):
                similarity = max(similarity, VOWELLESS_AGREEMENT)
            else:
                consonants = JaroWinkler.normalized_similarity(left.skeleton, right.skeleton)
                similarity = max(similarity, VOWELLESS_DISCOUNT * consonants)
        elif left_script != right_script and left.skeleton == right.skeleton:
            # One name in two scripts, romanised by two conventions (Жуков: Zhukov, Joukov): the consonants agree.
            similarity = max(similarity, CROSS_SCRIPT_SKELETON)
    else:
        similarity = JaroWinkler.normalized_similarity(left.text, right.text)
    if left.canonical and right.canonical:
        similarity = min(similarity, DIFFERENT_NAMES_CAP)
    # 1.0 is kept for words that agree (same canonical id, Latin form or text): "canonical" level is built on them.
    return min(similarity, ALIKE_CAP)


def best_alignment(shorter: tuple[NamePart, ...], longer: tuple[NamePart, ...]) -> list[tuple[int, int, float]]:
    """[(index in shorter, index in longer, similarity)]: the assignment with the highest total similarity."""
    matrix = [[word_similarity(left, right) for right in longer] for left in shorter]
    if math.perm(len(longer), len(shorter)) <= MAX_PERMUTATIONS:
        best: tuple[float, tuple[int, ...]] = (-1.0, ())
        for chosen in permutations(range(len(longer)), len(shorter)):
            total = sum(matrix[row][column] for row, column in enumerate(chosen))
            if total > best[0]:
                best = (total, chosen)
        return [(row, column, matrix[row][column]) for row, column in enumerate(best[1])]
    cells = sorted(
        ((matrix[row][column], row, column) for row in range(len(shorter)) for column in range(len(longer))),
        reverse=True,
    )
    used_rows: set[int] = set()
    used_columns: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for similarity, row, column in cells:
        if row in used_rows or column in used_columns:
            continue
        used_rows.add(row)
        used_columns.add(column)
        pairs.append((row, column, similarity))
    return sorted(pairs)


def grade(similarity: float) -> str:
    if similarity >= 1.0:
        return "exact"
    if similarity >= CLOSE:
        return "close"
    if similarity >= SIMILAR:
        return "similar"
    return "different"


def name_similarity(a: NameForms, b: NameForms) -> NameComparison:
    """How alike two names are, word by word, in any order. Levels: "exact" (same folded native form or same
    canonical form), "canonical" (each word of the shorter name agrees with a word of the longer by canonical id or
    Latin form, at most one word of the longer left over: a dropped patronymic or middle name), "close" (aligned
    similarity >= 0.92), "similar" (>= 0.84), "different". A one-word name against a longer one is at most
    "similar": one shared given name says little."""
    left, right = a.significant(), b.significant()
    if not left or not right:
        return NameComparison(LEVEL_DIFFERENT, 0.0, ("empty",))
    reasons: list[str] = []
    if a.original_script != b.original_script:
        reasons.append(f"scripts:{a.original_script}-{b.original_script}")
    swapped = len(left) > len(right)
    shorter, longer = (right, left) if swapped else (left, right)
    pairs = best_alignment(shorter, longer)
    agreeing = 0
    for row, column, similarity in pairs:
        short_part, long_part = shorter[row], longer[column]
        role = long_part.role if long_part.role in (ROLE_GIVEN, ROLE_FAMILY, ROLE_PATRONYMIC) else short_part.role
        role = role if role in (ROLE_GIVEN, ROLE_FAMILY, ROLE_PATRONYMIC) else ROLE_OTHER
        if short_part.canonical and short_part.canonical == long_part.canonical:
            reasons.append(f"same_canonical:{short_part.canonical}")
            agreeing += 1
        elif similarity >= 1.0:
            reasons.append(f"{role}_exact")
            agreeing += 1
        else:
            if short_part.canonical and long_part.canonical:
                reasons.append(f"{role}_different_names")
            reasons.append(f"{role}_{grade(similarity)}")
    used = {column for _row, column, _similarity in pairs}
    leftovers = [part for index, part in enumerate(longer) if index not in used]
    reasons.extend(f"dropped:{part.role}" for part in leftovers)
    columns = [column for _row, column, _similarity in sorted(pairs)]
    if columns != sorted(columns):
        reasons.append("order_differs")
    mean = sum(similarity for _row, _column, similarity in pairs) / len(pairs)
    score = mean * LEFTOVER_FACTOR ** len(leftovers)
    single_against_many = len(shorter) == 1 and len(longer) > 1
    if a.native and a.native == b.native:
        level = LEVEL_EXACT
        reasons.insert(0, "same_native")
        score = 1.0
    elif a.canonical and a.canonical == b.canonical:
        level = LEVEL_EXACT
        reasons.insert(0, "same_canonical_form")
        score = 1.0
    elif agreeing == len(shorter) and len(leftovers) <= 1 and not single_against_many:
        level = LEVEL_CANONICAL
    elif score >= CLOSE and min(similarity for _r, _c, similarity in pairs) >= CLOSE_WORD_FLOOR:
        level = LEVEL_CLOSE
    elif score >= SIMILAR:
        level = LEVEL_SIMILAR
    else:
        level = LEVEL_DIFFERENT
    if single_against_many and level in (LEVEL_CANONICAL, LEVEL_CLOSE):
        level = LEVEL_SIMILAR
        reasons.append("one_word_only")
    return NameComparison(level, round(min(score, 1.0), 4), tuple(reasons))


MAX_BLOCK_VALUES = 15
MAX_BLOCK_WORDS = 5
ROLE_PRIORITY = {ROLE_GIVEN: 0, ROLE_FAMILY: 1, ROLE_PATRONYMIC: 2, ROLE_OTHER: 3}


def block_values(forms: NameForms) -> set[tuple[str, str]]:
    """Plain (kind, value) pairs for the caller to store as keyed hashes (HMAC): two names that share one are
    compared; sharing one decides nothing. Designed for recall across scripts and spellings with small blocks:

    - ("skel_full", all word skeletons sorted): the whole name, vowels and spelling variants aside;
    - for each pair of words (particles left out; the given and family names first, at most 5 words):
      ("skel_pair", two skeletons sorted) finds the name with a word dropped or added (a patronymic, a second
      family name) and in any order; ("canon_pair", two canonical ids sorted, a word not in the table by its
      skeleton after "~") finds Olga/Olha and Aleksandr/Oleksandr whose skeletons differ; ("phon_pair", two
      Metaphone codes) finds spelling variants the skeleton keeps apart;
    - a one-word name gives the same three kinds for its single word ("skel_one", "canon_one", "phon_one").

    At most 15 values per name (the whole-name value and the given+family pair first)."""
    words = list(forms.significant())
    if not words:
        return set()
    unique: list[NamePart] = []
    seen: set[str] = set()
    for part in sorted(words, key=lambda part: ROLE_PRIORITY.get(part.role, 3)):
        identity = part.canonical or part.skeleton
        if identity and identity not in seen:
            seen.add(identity)
            unique.append(part)
    unique = unique[:MAX_BLOCK_WORDS]
    values: list[tuple[str, str]] = []
    if forms.skeleton:
        values.append(("skel_full", forms.skeleton))
    if len(unique) == 1:
        part = unique[0]
        values.append(("skel_one", part.skeleton))
        values.append(("canon_one", canonical_value(part)))
        if part.phonetic:
            values.append(("phon_one", part.phonetic))
    for first, second in combinations(unique, 2):
        values.append(("skel_pair", " ".join(sorted((first.skeleton, second.skeleton)))))
        if first.canonical or second.canonical:
            values.append(("canon_pair", " ".join(sorted((canonical_value(first), canonical_value(second))))))
        if first.phonetic and second.phonetic:
            values.append(("phon_pair", " ".join(sorted((first.phonetic, second.phonetic)))))
    result: set[tuple[str, str]] = set()
    for value in values:
        if value[1].strip() and len(result) < MAX_BLOCK_VALUES:
            result.add(value)
    return result


def canonical_value(part: NamePart) -> str:
    return part.canonical or f"~{part.skeleton}"
