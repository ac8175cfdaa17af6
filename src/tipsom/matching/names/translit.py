"""Transliteration of name words to lower-case ASCII Latin: anyascii as the base, with tipsom's own rules for the
scripts where anyascii is weak or follows a convention people's documents do not (Arabic long vowels, Russian vs
Ukrainian vs Belarusian vs Kyrgyz Cyrillic, Devanagari's inherent vowel, Lao vowels written before consonants)."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from tipsom.matching.names.text import (
    APOSTROPHES,
    SCRIPT_ARABIC,
    SCRIPT_CYRILLIC,
    SCRIPT_DEVANAGARI,
    SCRIPT_LAO,
    fold,
    split_words,
    token_script,
)

NON_LETTERS = re.compile(r"[^a-z]+")

# Cyrillic variants: one name is written with the letters of its language; the passport romanisation follows it.
CYRILLIC_RUSSIAN = "ru"
CYRILLIC_UKRAINIAN = "uk"
CYRILLIC_BELARUSIAN = "be"

# Russian (BGN/PCGN as on most Russian and Kyrgyz passports, simplified); Kyrgyz letters added.
CYRILLIC_BASE = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "ү": "u",
    "ң": "ng",
    "ө": "o",
    "ә": "a",
    "қ": "k",
    "ғ": "gh",
    "ұ": "u",
    "һ": "h",
    "і": "i",
    "ї": "yi",
    "є": "ye",
    "ґ": "g",
    "ў": "u",
}
# Ukrainian national romanisation (2010, used in passports): г is h, и is y, і is i; є ї ю я are ie i iu ia inside a
# word and ye yi yu ya at its start.
CYRILLIC_UKRAINIAN_RULES = {"г": "h", "и": "y", "й": "i", "ї": "i", "є": "ie", "ю": "iu", "я": "ia", "х": "kh"}
CYRILLIC_UKRAINIAN_INITIAL = {"й": "y", "ї": "yi", "є": "ye", "ю": "yu", "я": "ya"}
# Belarusian (passport practice): г is h, ы is y, ў is u, і is i.
CYRILLIC_BELARUSIAN_RULES = {"г": "h", "ы": "y", "ў": "u", "і": "i", "е": "ie", "ю": "iu", "я": "ia", "ё": "io"}
CYRILLIC_BELARUSIAN_INITIAL = {"е": "ye", "ю": "yu", "я": "ya", "ё": "yo"}


def cyrillic_variant(text: str) -> str:
    """Which language's romanisation a Cyrillic text follows, from the letters only that language uses."""
    letters = set(text)
    if letters & {"ў"} or (letters & {"і"} and letters & {"ы", "э", "ё"}):
        return CYRILLIC_BELARUSIAN
    if letters & {"ї", "є", "ґ", "і"}:
        return CYRILLIC_UKRAINIAN
    if letters & APOSTROPHES and not letters & {"ъ", "ы", "э", "ё"}:
        return CYRILLIC_UKRAINIAN  # Дар'я: Ukrainian writes an apostrophe where Russian writes ъ or ь
    return CYRILLIC_RUSSIAN


def cyrillic_to_latin(word: str, variant: str) -> str:
    rules: dict[str, str] = {}
    initial: dict[str, str] = {}
    if variant == CYRILLIC_UKRAINIAN:
        rules, initial = CYRILLIC_UKRAINIAN_RULES, CYRILLIC_UKRAINIAN_INITIAL
    elif variant == CYRILLIC_BELARUSIAN:
        rules, initial = CYRILLIC_BELARUSIAN_RULES, CYRILLIC_BELARUSIAN_INITIAL
    out: list[str] = []
    for index, char in enumerate(word):
        if index == 0 and char in initial:
            out.append(initial[char])
        elif char in rules:
            out.append(rules[char])
        elif char in CYRILLIC_BASE:
            out.append(CYRILLIC_BASE[char])
        else:
            out.append(anyascii(char))
    return "".join(out)


# Arabic letters as names are usually spelled in Latin. Short vowels are not written in Arabic script and cannot
# be guessed; the long vowels (ا و ي) are, and so are kept: they tell Mahmoud (محمود) from Muhammad (محمد).
ARABIC_LETTERS = {
    "ا": "a",
    "ب": "b",
    "ت": "t",
    "ث": "th",
    "ج": "j",
    "ح": "h",
    "خ": "kh",
    "د": "d",
    "ذ": "dh",
    "ر": "r",
    "ز": "z",
    "س": "s",
    "ش": "sh",
    "ص": "s",
    "ض": "d",
    "ط": "t",
    "ظ": "z",
    "ع": "",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ه": "h",
    "ء": "",
    "پ": "p",
    "چ": "ch",
    "ژ": "zh",
    "گ": "g",
    "ڤ": "v",
    "ٹ": "t",
    "ڈ": "d",
    "ڑ": "r",
    "ں": "n",
    "ڭ": "g",
}


SIBILANTS_BEFORE_H = {"ز", "س", "ص", "ظ"}

# Urdu and Farsi read ث ذ ض ظ as s z z z (ثمینہ Samina, عثمان Usman), and a final ہ as a (صائمہ Saima). The letters
# that tell an Urdu or Farsi text (folding turns most of them into their Arabic shapes, so they are read before).
ARABIC_URDU = "ur"
URDU_LETTERS = frozenset("یہےۃکگپچژٹڈڑںھ")
URDU_LETTER_RULES = {"ث": "s", "ذ": "z", "ض": "z", "ظ": "z"}


def arabic_variant(text: str) -> str:
    """ARABIC_URDU when an Arabic-script text (before folding) has a letter only Urdu or Farsi write, else ""."""
    return ARABIC_URDU if URDU_LETTERS.intersection(text) else ""


def arabic_to_latin(word: str, *, urdu: bool = False) -> str:
    out: list[str] = []
    length = len(word)
    for index, char in enumerate(word):
        previous = word[index - 1] if index else ""
        following = word[index + 1] if index + 1 < length else ""
        if char == "و":
            # A consonant (w) at the start, beside an alef or before another vowel letter; a long u elsewhere.
            consonant = index == 0 or following in ("ا", "ي", "و") or previous == "ا"
            out.append("w" if consonant else "u")
        elif char == "ي":
            consonant = index == 0 or following in ("ا", "و") or previous in ("ا", "و")
            out.append("y" if consonant else "i")
        elif urdu and char in URDU_LETTER_RULES:
            out.append(URDU_LETTER_RULES[char])
        elif urdu and char == "ه" and index == length - 1 and index > 1:
            out.append("a")
        elif char in ("ح", "ه") and previous in SIBILANTS_BEFORE_H:
            # زهراء is Zahra, سحر Sahar: written "zh", "sh", they would read as one letter (ژ, ش); the short vowel
            # Arabic does not write is most often a.
            out.append("ah")
        elif char in ARABIC_LETTERS:
            out.append(ARABIC_LETTERS[char])
        else:
            out.append(anyascii(char))
    return "".join(out)


# Devanagari (Hindi and Nepali as names are spelled in Latin): consonants carry an inherent "a" unless a virama or
# a vowel sign follows; the final inherent "a" is not spoken (राम is Ram) unless the word ends in a cluster (कृष्ण
# is Krishna). anyascii drops every inherent vowel (लक्ष्मी gives "lksmi") and spells श and ष as "s".
DEVANAGARI_CONSONANTS = {
    "क": "k",
    "ख": "kh",
    "ग": "g",
    "घ": "gh",
    "ङ": "ng",
    "च": "ch",
    "छ": "chh",
    "ज": "j",
    "झ": "jh",
    "ञ": "n",
    "ट": "t",
    "ठ": "th",
    "ड": "d",
    "ढ": "dh",
    "ण": "n",
    "त": "t",
    "थ": "th",
    "द": "d",
    "ध": "dh",
    "न": "n",
    "प": "p",
    "फ": "ph",
    "ब": "b",
    "भ": "bh",
    "म": "m",
    "य": "y",
    "र": "r",
    "ल": "l",
    "ळ": "l",
    "व": "v",
    "श": "sh",
    "ष": "sh",
    "स": "s",
    "ह": "h",
    "क़": "q",
    "ख़": "kh",
    "ग़": "gh",
    "ज़": "z",
    "ड़": "r",
    "ढ़": "rh",
    "फ़": "f",
    "य़": "y",
}
DEVANAGARI_NUKTA_FORMS = {"क": "क़", "ख": "ख़", "ग": "ग़", "ज": "ज़", "ड": "ड़", "ढ": "ढ़", "फ": "फ़", "य": "य़"}
DEVANAGARI_VOWELS = {
    "अ": "a",
    "आ": "a",
    "इ": "i",
    "ई": "i",
    "उ": "u",
    "ऊ": "u",
    "ऋ": "ri",
    "ए": "e",
    "ऐ": "ai",
    "ओ": "o",
    "औ": "au",
    "ऑ": "o",
}
DEVANAGARI_SIGNS = {
    "ा": "a",
    "ि": "i",
    "ी": "i",
    "ु": "u",
    "ू": "u",
    "ृ": "ri",
    "े": "e",
    "ै": "ai",
    "ो": "o",
    "ौ": "au",
    "ॉ": "o",
    "ॅ": "e",
}
DEVANAGARI_VIRAMA = "्"
DEVANAGARI_NASALS = {"ं": "n", "ँ": "n"}
DEVANAGARI_CLUSTERS = {"क्ष": "ksh", "ज्ञ": "gy"}


def devanagari_to_latin(word: str) -> str:
    out: list[str] = []
    pending_a = False  # a consonant was written and its inherent vowel is not yet decided
    last_was_cluster = False  # the last consonant closed a cluster (it followed a virama)
    after_virama = False
    index = 0
    length = len(word)
    while index < length:
        char = word[index]
        if char == "\u093c":  # a stray nukta (already composed above when it followed its consonant)
            index += 1
            continue
        cluster = word[index : index + 3]
        consonant = ""
        if cluster in DEVANAGARI_CLUSTERS:
            consonant = DEVANAGARI_CLUSTERS[cluster]
            index += 3
            is_cluster = True
        elif char in DEVANAGARI_CONSONANTS:
            if index + 1 < length and word[index + 1] == "\u093c" and char in DEVANAGARI_NUKTA_FORMS:
                consonant = DEVANAGARI_CONSONANTS[DEVANAGARI_NUKTA_FORMS[char]]
                index += 2
            else:
                consonant = DEVANAGARI_CONSONANTS[char]
                index += 1
            is_cluster = after_virama
        if consonant:
            if pending_a:
                out.append("a")
            out.append(consonant)
            pending_a = True
            last_was_cluster = is_cluster
            after_virama = False
            continue
        index += 1
        if char == DEVANAGARI_VIRAMA:
            pending_a = False
            after_virama = True
        elif char in DEVANAGARI_SIGNS:
            out.append(DEVANAGARI_SIGNS[char])
            pending_a = False
        elif char in DEVANAGARI_VOWELS:
            if pending_a:
                out.append("a")
            out.append(DEVANAGARI_VOWELS[char])
            pending_a = False
        elif char in DEVANAGARI_NASALS:
            if pending_a:
                out.append("a")
                pending_a = False
            out.append(DEVANAGARI_NASALS[char])
        elif char == "ः":
            if pending_a:
                out.append("a")
                pending_a = False
            out.append("h")
        else:
            if pending_a:
                out.append("a")
                pending_a = False
            out.append(anyascii(char))
    if pending_a and last_was_cluster:
        out.append("a")  # Krishna, Shrestha: a final cluster keeps its vowel
    return "".join(out)


# Lao (the French-based spellings of Lao names: Somsak, Phommavong, Bounmy, Keo, Khamsaeng). anyascii writes the
# vowels ເ ແ ໂ ໄ ໃ where they stand, before their consonant (ແກ້ວ gives "ekv"), drops ອ as a vowel (ພອນ gives
# "phn") and reads the silent ຫ of ຫວ, ຫນ and ຫມ.
LAO_INITIAL = {
    "ກ": "k",
    "ຂ": "kh",
    "ຄ": "kh",
    "ງ": "ng",
    "ຈ": "ch",
    "ສ": "s",
    "ຊ": "x",
    "ຍ": "y",
    "ດ": "d",
    "ຕ": "t",
    "ຖ": "th",
    "ທ": "th",
    "ນ": "n",
    "ບ": "b",
    "ປ": "p",
    "ຜ": "ph",
    "ຝ": "f",
    "ພ": "ph",
    "ຟ": "f",
    "ມ": "m",
    "ຢ": "y",
    "ຣ": "r",
    "ລ": "l",
    "ວ": "v",
    "ຫ": "h",
    "ອ": "",
    "ຮ": "h",
    "ໜ": "n",
    "ໝ": "m",
    "ໞ": "k",
    "ໟ": "ny",
}
LAO_FINAL = {"ກ": "k", "ງ": "ng", "ດ": "t", "ຕ": "t", "ບ": "p", "ປ": "p", "ນ": "n", "ມ": "m", "ຍ": "y", "ວ": "o"}
LAO_CONSONANTS = set(LAO_INITIAL)
LAO_PREVOWELS = set("ເແໂໄໃ")
LAO_TONE_MARKS = set("\u0ec8\u0ec9\u0eca\u0ecb\u0ecc\u0ec6")  # tone marks, cancellation, repetition
LAO_SONORANTS_AFTER_SILENT_H = set("ນມລວງຍຣ")
LAO_SIGNS = {
    "ະ": "a",
    "ັ": "a",
    "າ": "a",
    "ິ": "i",
    "ີ": "i",
    "ຶ": "ue",
    "ື": "ue",
    "ຸ": "ou",
    "ູ": "ou",
    "ົ": "o",
    "ຳ": "am",
    "ຽ": "ie",
    "ໍ": "o",
    "ຼ": "l",
}
# Vowels written around their consonant: the prevowel and what follows the consonant, read together.
LAO_COMBINED = (
    ("ເົາ", "ao"),
    ("ເືອ", "uea"),
    ("ເັຍ", "ia"),
    ("ເຍ", "ia"),
    ("ເິ", "oe"),
    ("ເີ", "oe"),
    ("ເາະ", "o"),
    ("ເະ", "e"),
    ("ແະ", "ae"),
    ("ໂະ", "o"),
    ("ເັ", "e"),
    ("ແັ", "ae"),
    ("ເ", "e"),
    ("ແ", "ae"),
    ("ໂ", "o"),
    ("ໄ", "ai"),
    ("ໃ", "ai"),
)
# NFKC splits sara am (ຳ) into niggahita and sara aa (ໍ + າ).
LAO_SIGN_PAIRS = (("ໍາ", "am"), ("ົວ", "oua"), ("ັວ", "oua"), ("ືອ", "uea"), ("ົາ", "ao"))
LAO_VOWEL_MARKERS = set(LAO_SIGNS) | LAO_PREVOWELS


def lao_reorder(word: str) -> str:
    """Moves each prevowel after the consonant it is read after (and after the silent ຫ's sonorant)."""
    chars = [char for char in word if char not in LAO_TONE_MARKS]
    out: list[str] = []
    index = 0
    while index < len(chars):
        char = chars[index]
        if char in LAO_PREVOWELS and index + 1 < len(chars) and chars[index + 1] in LAO_CONSONANTS:
            step = 2
            if chars[index + 1] == "ຫ" and index + 2 < len(chars) and chars[index + 2] in LAO_SONORANTS_AFTER_SILENT_H:
                step = 3
            out.extend(chars[index + 1 : index + step])
            out.append(char)
            index += step
            continue
        out.append(char)
        index += 1
    return "".join(out)


def lao_to_latin(word: str) -> str:
    chars = lao_reorder(word)
    out: list[str] = []
    # "start", "initial" (a consonant opened a syllable), "vowel" (the syllable has its vowel), "final"
    state = "start"
    index = 0
    length = len(chars)
    while index < length:
        char = chars[index]
        following = chars[index + 1] if index + 1 < length else ""
        if char in LAO_PREVOWELS:
            for written, latin in LAO_COMBINED:
                if chars.startswith(written, index):
                    out.append(latin)
                    index += len(written)
                    break
            state = "vowel"
            continue
        pair = chars[index : index + 2]
        matched_pair = next((latin for written, latin in LAO_SIGN_PAIRS if written == pair), None)
        if matched_pair is not None:
            out.append(matched_pair)
            index += 2
            state = "vowel"
            continue
        if char in LAO_SIGNS:
            out.append(LAO_SIGNS[char])
            index += 1
            state = "vowel"
            continue
        if char in LAO_CONSONANTS:
            index += 1
            opens_syllable = following in LAO_VOWEL_MARKERS and following not in LAO_PREVOWELS
            if char == "ຫ" and following in LAO_SONORANTS_AFTER_SILENT_H and state != "initial":
                continue  # silent: it only sets the tone of the sonorant after it
            if state == "initial" and char == "ອ" and not opens_syllable:
                out.append("o")  # ອ after a consonant is the vowel o (ພອນ Phone)
                state = "vowel"
                continue
            if state == "initial" and char == "ວ" and not opens_syllable and following in LAO_CONSONANTS:
                out.append("oua")  # ວ between consonants is the vowel ua (ສວນ Souane)
                state = "vowel"
                continue
            if state == "vowel" and not opens_syllable and char in LAO_FINAL:
                out.append(LAO_FINAL[char])
                state = "final"
                continue
            out.append(LAO_INITIAL[char])
            state = "initial"
            continue
        index += 1
        out.append(anyascii(char))
        state = "start"
    return "".join(out)


@lru_cache(maxsize=65536)
def word_to_latin(word: str, variant: str = "") -> str:
    """One folded word to lower-case ASCII letters (a-z only, possibly empty)."""
    if word.isascii():
        return NON_LETTERS.sub("", word.lower())
    script = token_script(word)
    if script == SCRIPT_ARABIC:
        latin = arabic_to_latin(word, urdu=variant == ARABIC_URDU)
    elif script == SCRIPT_CYRILLIC:
        latin = cyrillic_to_latin(word, variant or cyrillic_variant(word))
    elif script == SCRIPT_DEVANAGARI:
        latin = devanagari_to_latin(word)
    elif script == SCRIPT_LAO:
        latin = lao_to_latin(word)
    else:
        latin = anyascii(word)
    return NON_LETTERS.sub("", latin.lower())


def transliterate(text: str) -> str:
    """Any text to lower-case ASCII Latin words separated by single spaces: folded, split into words, each word
    transliterated by the rules of its script (anyascii for scripts without rules of their own)."""
    folded = fold(text)
    variant = cyrillic_variant(folded)
    words = (word_to_latin(word, variant) for word in split_words(folded))
    return " ".join(word for word in words if word)
