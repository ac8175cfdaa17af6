"""Folding a name's text (Unicode normalisation, Arabic folding, invisible characters) and telling its scripts."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SCRIPT_LATIN = "Latn"
SCRIPT_ARABIC = "Arab"
SCRIPT_CYRILLIC = "Cyrl"
SCRIPT_DEVANAGARI = "Deva"
SCRIPT_LAO = "Laoo"
SCRIPT_OTHER = "other"
SCRIPT_MIXED = "mixed"

# Arabic folding: the spellings people and keyboards use interchangeably become one letter. Urdu and Farsi letters
# that are only other shapes of an Arabic letter (yeh, kaf, heh) fold too; Urdu's own consonants (ٹ ڈ ڑ ں) stay.
ARABIC_FOLD = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ة": "ه",
    "ۃ": "ه",
    "ى": "ي",
    "ی": "ي",
    "ې": "ي",
    "ۍ": "ي",
    "ے": "ي",
    "ۓ": "ي",
    "ئ": "ي",
    "ؤ": "و",
    "ک": "ك",
    "ڪ": "ك",
    "ہ": "ه",
    "ۀ": "ه",
    "ھ": "ه",
    "ە": "ه",
    "\u0640": "",  # tatweel: a stretch of the line, not a letter
}


def is_arabic_diacritic(char: str) -> bool:
    """Harakat, tanwin, shadda, sukun, superscript alef and Quranic marks: optional in names, so folded away."""
    code = ord(char)
    return 0x064B <= code <= 0x065F or code == 0x0670 or 0x0610 <= code <= 0x061A or 0x06D6 <= code <= 0x06ED


# Invisible characters removed silently: they shape or join letters but never change a name.
SILENT_FORMAT = {"\u200c", "\u200d", "\ufeff", "\u00ad", "\u034f", "\u2060"}
# Characters that separate words though nothing shows: Lao and Thai are often written without spaces.
INVISIBLE_SPACES = {"\u200b", "\u180e"}
APOSTROPHES = {"'", "\u2019", "\u02bc", "\u02bb", "\u2018", "`", "\u00b4", "\u02b9", "\u02bf", "\u02be"}

SPACE_RE = re.compile(r"\s+")


def build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(char): folded or None for char, folded in ARABIC_FOLD.items()}
    for code in (*range(0x064B, 0x0660), 0x0670, *range(0x0610, 0x061B), *range(0x06D6, 0x06EE)):
        table[code] = None
    for char in SILENT_FORMAT:
        table[ord(char)] = None
    for char in INVISIBLE_SPACES | set("\t\n\r\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029"):
        table[ord(char)] = " "
    return table


FOLD_TABLE = build_fold_table()


def fold_report(text: str) -> tuple[str, bool]:
    """fold(text), and whether control or bidi characters (not the silent joiners) were removed."""
    original = unicodedata.normalize("NFKC", text).casefold()
    if "اة" in original:
        original = original.replace("اة", "ات")  # ta marbuta after alef is spoken t: نجاة Najat, حياة Hayat
    text = original.translate(FOLD_TABLE)
    removed = False
    if not text.isprintable():
        # Slow path, rare: what is left unprintable is a control, bidi or other format character.
        kept: list[str] = []
        for char in text:
            if char.isprintable():
                kept.append(char)
            elif char.isspace():
                kept.append(" ")
            else:
                removed = True  # Cc control, Cf format (bidi overrides and isolates, LRM/RLM), Co, Cs, Cn
        text = "".join(kept)
    if len(text) != len(original):
        # Removing a character between a letter and its mark may leave a pair NFKC would have composed.
        text = unicodedata.normalize("NFC", text)
    if "  " in text or text[:1] == " " or text[-1:] == " ":
        text = SPACE_RE.sub(" ", text).strip()
    return text, removed


def fold(text: str) -> str:
    """NFKC and casefold; Arabic letters folded (alef variants, ta marbuta, alef maqsura, Farsi/Urdu yeh, kaf and
    heh), Arabic diacritics and tatweel removed; control, bidi and format characters removed; the combining marks
    other scripts need (Devanagari, Lao, Latin accents) kept; runs of spaces collapsed."""
    return fold_report(text)[0]


RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, SCRIPT_LATIN),
    (0x0061, 0x007A, SCRIPT_LATIN),
    (0x00AA, 0x00AA, SCRIPT_LATIN),
    (0x00BA, 0x00BA, SCRIPT_LATIN),
    (0x00C0, 0x024F, SCRIPT_LATIN),
    (0x0250, 0x02AF, SCRIPT_LATIN),
    (0x1D00, 0x1DBF, SCRIPT_LATIN),
    (0x1E00, 0x1EFF, SCRIPT_LATIN),
    (0x2C60, 0x2C7F, SCRIPT_LATIN),
    (0xA720, 0xA7FF, SCRIPT_LATIN),
    (0xAB30, 0xAB6F, SCRIPT_LATIN),
    (0xFF21, 0xFF5A, SCRIPT_LATIN),
    (0x0400, 0x052F, SCRIPT_CYRILLIC),
    (0x1C80, 0x1C8F, SCRIPT_CYRILLIC),
    (0x2DE0, 0x2DFF, SCRIPT_CYRILLIC),
    (0xA640, 0xA69F, SCRIPT_CYRILLIC),
    (0x0600, 0x06FF, SCRIPT_ARABIC),
    (0x0750, 0x077F, SCRIPT_ARABIC),
    (0x0870, 0x08FF, SCRIPT_ARABIC),
    (0xFB50, 0xFDFF, SCRIPT_ARABIC),
    (0xFE70, 0xFEFF, SCRIPT_ARABIC),
    (0x0900, 0x097F, SCRIPT_DEVANAGARI),
    (0xA8E0, 0xA8FF, SCRIPT_DEVANAGARI),
    (0x0E80, 0x0EFF, SCRIPT_LAO),
)


@lru_cache(maxsize=4096)
def char_script(char: str) -> str:
    """ISO 15924 code of a letter or mark of one of tipsom's scripts; "other" for other letters; "" otherwise."""
    if not (char.isalpha() or unicodedata.category(char) in ("Mn", "Mc")):
        return ""
    code = ord(char)
    for low, high, script in RANGES:
        if low <= code <= high:
            return script
    if unicodedata.category(char) in ("Mn", "Mc"):
        return ""  # a combining mark of no script of its own (accents): it takes its base letter's script
    return SCRIPT_OTHER


def is_word_char(char: str) -> bool:
    """Letters and combining marks make words; digits, punctuation, symbols and emoji separate them."""
    return char.isalpha() or unicodedata.category(char) in ("Mn", "Mc")


@lru_cache(maxsize=65536)
def token_script(token: str) -> str:
    """The script of most of a token's letters."""
    if token.isascii():
        return SCRIPT_LATIN if any(char.isalpha() for char in token) else SCRIPT_OTHER
    counts: dict[str, int] = {}
    for char in token:
        script = char_script(char)
        if script:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return SCRIPT_OTHER
    return max(counts.items(), key=lambda item: (item[1], item[0]))[0]


def split_words(folded: str) -> list[str]:
    """Words of a folded text: apostrophes inside a word vanish (Дар'я, O'Neil, Ol'ga), any other character that is
    neither a letter nor a mark separates words. A word that changes script midway is cut there."""
    words: list[str] = []
    for chunk in folded.split(" "):
        if chunk:
            words.extend(chunk_words(chunk))
    return words


@lru_cache(maxsize=65536)
def chunk_words(chunk: str) -> tuple[str, ...]:
    """split_words of a text without spaces (cached: most names are made of a few thousand common words)."""
    if chunk.isascii() and chunk.isalpha():
        return (chunk,)
    words: list[str] = []
    current: list[str] = []
    current_script = ""
    for char in chunk:
        if char in APOSTROPHES:
            continue
        if not is_word_char(char):
            if current:
                words.append("".join(current))
                current = []
                current_script = ""
            continue
        script = char_script(char)
        if script and current_script and script != current_script and current:
            words.append("".join(current))
            current = []
        if script:
            current_script = script
        current.append(char)
    if current:
        words.append("".join(current))
    # A word made only of combining marks (a stray accent) carries no name.
    return tuple(word for word in words if any(char.isalpha() for char in word))
