"""The reasons of a match in words: which fields agree, and how closely, for the review queue, the registration
check and the API (`reason_words`); the check's warnings in words; a probability as the screens show it.

Never a name: a name reason's detail after ":" is read only where it is a script or a part's role
("scripts:Cyrl-Latn", "dropped:patronymic"), never where it is a name ("same_canonical:olga")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# field -> level -> words. "null" (a side unknown) and levels not listed here say nothing.
LEVEL_WORDS: dict[str, dict[str, Any]] = {
    "name": {
        "exact": _("Name: the same, in any script"),
        "canonical": _("Name: the same names in another script or spelling (one part may be missing)"),
        "close": _("Name: very close"),
        "similar": _("Name: similar"),
        "different": _("Name: different"),
        "core": _("Name: the same without a patronymic, middle name or second family name"),
        "subset": _("Name: every part of the shorter name is in the longer"),
        "skeleton": _("Name: the same consonants (another spelling)"),
        "skeleton_core": _("Name: the same consonants, without a middle part"),
    },
    "birth_date": {
        "exact": _("Birth date: the same"),
        "swapped": _("Birth date: day and month swapped"),
        "year_month": _("Birth date: same year and month"),
        "year": _("Birth date: same year"),
        "year_pm1": _("Birth date: one year apart"),
        "different": _("Birth date: different"),
        "year_pm1_same_day": _("Birth date: same day and month, one year apart"),
        "year_conflict": _("Birth date: same year, another month"),
    },
    "sex": {
        "same": pgettext_lazy("match reason", "Sex: the same"),
        "different": pgettext_lazy("match reason", "Sex: different"),
    },
    "citizenship": {
        "shared": _("Citizenship: one in common"),
        "same": _("Citizenship: one in common"),
        "different": _("Citizenship: different"),
    },
}
FIELD_ORDER = ("name", "birth_date", "sex", "citizenship")

# A batch job's pair (matching.batch, Splink) carries each field's level as a top-level text ("name": "core",
# "birth_date": "year"), beside "weight_<field>" numbers; its own levels are worded here too.
# The name comparison's codes (matching.names.compare.name_similarity).
NAME_CODE_WORDS: dict[str, Any] = {
    "same_native": _("The names are written the same way."),
    "same_canonical_form": _("The names are the same once script and spelling are set aside."),
    "same_canonical": _("Name parts are known to be one name in other scripts or spellings (as Olha and Ольга)."),
    "order_differs": _("The name parts are in another order."),
    "one_word_only": _("Only one name part to compare: it says little."),
}
SCRIPT_WORDS: dict[str, Any] = {  # the names of writing systems, not of languages
    "Latn": pgettext_lazy("script", "Latin"),
    "Arab": pgettext_lazy("script", "Arabic"),
    "Cyrl": pgettext_lazy("script", "Cyrillic"),
    "Deva": pgettext_lazy("script", "Devanagari"),
    "Laoo": pgettext_lazy("script", "Lao"),
}
ROLE_WORDS: dict[str, Any] = {
    "given": _("Given name"),
    "family": _("Family name"),
    "patronymic": _("Patronymic"),
    "other": _("Other name part"),
}
GRADE_WORDS: dict[str, Any] = {
    "exact": _("%(part)s: the same"),
    "close": _("%(part)s: very close"),
    "similar": _("%(part)s: similar"),
    "different": _("%(part)s: different"),
    "different_names": _("%(part)s: different names"),
}


def levels_of(reasons: Mapping[str, Any]) -> dict[str, str]:
    """Each field's level: from "levels" (the check's scores) or from the field's own key (a batch job's pairs),
    only the levels this module has words for."""
    given = reasons.get("levels")
    levels = given if isinstance(given, Mapping) else reasons
    return {
        field: str(levels[field])
        for field in FIELD_ORDER
        if isinstance(levels.get(field), str) and levels[field] in LEVEL_WORDS[field]
    }


def name_code_words(code: str) -> str:
    """One code of the name comparison in words; "" for a code without words."""
    head, _sep, detail = code.partition(":")
    if head in NAME_CODE_WORDS:
        return str(NAME_CODE_WORDS[head])
    if head == "scripts":
        scripts = [SCRIPT_WORDS.get(script) for script in detail.split("-")]
        if len(scripts) == 2 and all(scripts):
            return gettext("The names are written in two scripts: %(first)s and %(second)s.") % {
                "first": scripts[0],
                "second": scripts[1],
            }
        return ""
    if head == "dropped":
        role = ROLE_WORDS.get(detail)
        return gettext("One name has a part the other lacks: %(part)s.") % {"part": role} if role else ""
    role, _sep, grade = head.partition("_")
    if role in ROLE_WORDS and grade in GRADE_WORDS:
        return str(GRADE_WORDS[grade]) % {"part": ROLE_WORDS[role]}
    return ""


def reason_words(reasons: Any) -> list[str]:
    """The reasons of a score as sentences in the active language: the fields in a fixed order (name, birth date,
    sex, citizenship), then what the name comparison noticed, each once. Unknown fields, levels and codes say
    nothing."""
    if not isinstance(reasons, Mapping):
        return []
    levels = levels_of(reasons)
    words = [str(LEVEL_WORDS[field][level]) for field, level in levels.items()]
    codes = reasons.get("name")
    if isinstance(codes, (list, tuple)):
        for code in codes:
            text = name_code_words(str(code))
            if text and text not in words:
                words.append(text)
    return words


def public_reasons(reasons: Any) -> dict[str, Any]:
    """The reasons as the API gives them: the levels (known ones only), the weights, the name comparison's codes
    without their detail (it may be a name part), and a batch job's numbers (match and field weights). No other
    text passes."""
    if not isinstance(reasons, Mapping):
        return {}
    shown: dict[str, Any] = {"levels": levels_of(reasons)}
    weights = reasons.get("weights")
    if isinstance(weights, Mapping):
        shown["weights"] = {
            str(k): v for k, v in weights.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
        }
    codes = reasons.get("name")
    if isinstance(codes, (list, tuple)):
        shown["name"] = list(dict.fromkeys(str(code).partition(":")[0] for code in codes))
    for key, value in reasons.items():
        if key not in shown and isinstance(value, (int, float)) and not isinstance(value, bool):
            shown[str(key)] = value
    return shown


# The check's warnings (matching.selectors.CheckResult.warnings and the name forms' own) in words.
WARNING_WORDS: dict[str, Any] = {
    "no_name": _(
        "The name has no letters to compare (only punctuation, symbols or emoji): the registry was not checked."
    ),
    "birth_date_ignored": _("The birth date could not be read: the registry was checked by the name alone."),
}


def warning_words(warnings: Any) -> list[str]:
    """The check's warnings in words; unknown codes say nothing."""
    if not isinstance(warnings, (list, tuple)):
        return []
    return [str(WARNING_WORDS[code]) for code in dict.fromkeys(map(str, warnings)) if code in WARNING_WORDS]


def probability_text(probability: Any) -> str:
    """A match probability as the screens show it: "97 %", with one decimal near the ends, where it matters
    ("99.6 %", "0.4 %")."""
    try:
        value = float(probability) * 100
    except (TypeError, ValueError):
        return ""
    if value >= 100:
        shown = "100"
    elif value >= 99 or value < 1:
        # Rounded toward the middle: 99.97 % is not "100 %", nor 0.03 % "0 %".
        shown = f"{min(max(value, 0.1), 99.9):.1f}" if value > 0 else "0"
    else:
        shown = f"{value:.0f}"
    return gettext("%(value)s %%") % {"value": shown}
