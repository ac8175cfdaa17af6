"""The one API for HTCDS code lists: choices, labels and validation, with tipsom and deployment extensions."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tipsom.core.errors import ApplicationError
from tipsom.core.htcds_codes import CODE_LIST_DESCRIPTIONS, CODE_LIST_LABELS, CODE_LISTS, HTCDS_VERSION

__all__ = [
    "HTCDS_VERSION",
    "TIPSOM_CODES",
    "code_choices",
    "code_label",
    "code_list_description",
    "code_list_label",
    "code_lists",
    "is_code",
    "validate_codes",
]

Label = str | Promise

# Codes tipsom adds to HTCDS v2.0 lists because the national response needs them (issue 4); they follow the HTCDS ones.
TIPSOM_CODES: dict[str, tuple[tuple[str, Promise], ...]] = {
    "vic_TypeOfExploitation": (("ForcedCriminality", _("Forced criminality")),),
    "spl_Type": (
        ("Shelter", _("Shelter")),
        ("Return", _("Return")),
        ("Reintegration", _("Reintegration")),
        ("Interpretation", _("Interpretation")),
        ("Consular", _("Consular assistance")),
    ),
    "prs_HighestLevelOfEducation": (("NoFormalEducation", _("No formal education")), ("Unknown", _("Unknown"))),
}


def code_lists() -> list[str]:
    """The names of every code list, in the standard's order."""
    return list(CODE_LISTS)


def _known(list_name: str) -> None:
    if list_name not in CODE_LISTS:
        raise LookupError(f"Unknown code list {list_name!r}; known lists: {', '.join(CODE_LISTS)}")


def _extra_codes(list_name: str) -> list[tuple[str, Label]]:
    """A deployment's TIPSOM_EXTRA_CODES for one list, read at call time and checked for shape."""
    extra = getattr(settings, "TIPSOM_EXTRA_CODES", {}) or {}
    unknown = sorted(set(extra) - set(CODE_LISTS))
    if unknown:
        raise ImproperlyConfigured(f"TIPSOM_EXTRA_CODES names unknown code lists: {', '.join(unknown)}")
    pairs: list[tuple[str, Label]] = []
    for item in extra.get(list_name, ()):
        if not (isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[0], str) and item[0].strip()):
            raise ImproperlyConfigured(f"TIPSOM_EXTRA_CODES[{list_name!r}] needs (code, label) pairs, got {item!r}")
        pairs.append((item[0], item[1]))
    return pairs


def _entries(list_name: str) -> dict[str, Label]:
    """Code -> label for one list: HTCDS first, then tipsom's additions, then the deployment's."""
    _known(list_name)
    entries: dict[str, Label] = dict(CODE_LISTS[list_name])
    for code, label in (*TIPSOM_CODES.get(list_name, ()), *_extra_codes(list_name)):
        if code in entries:
            raise ImproperlyConfigured(f"Code {code!r} is defined twice in code list {list_name!r}")
        entries[code] = label
    return entries


def code_choices(list_name: str) -> list[tuple[str, str]]:
    """(code, label) pairs for forms and filters, labels in the active language."""
    return [(code, str(label)) for code, label in _entries(list_name).items()]


def is_code(list_name: str, code: object) -> bool:
    return isinstance(code, str) and code in _entries(list_name)


def code_label(list_name: str, code: str) -> str:
    """The label of a code in the active language; an unknown code (say, a retired extension) is shown as is."""
    label = _entries(list_name).get(code)
    return str(label) if label is not None else str(code)


def code_list_label(list_name: str) -> str:
    _known(list_name)
    return str(CODE_LIST_LABELS[list_name])


def code_list_description(list_name: str) -> str:
    _known(list_name)
    description = CODE_LIST_DESCRIPTIONS.get(list_name)
    return str(description) if description is not None else ""


def validate_codes(list_name: str, codes: Iterable[str] | str, *, field: str) -> list[str]:
    """The codes as a list, or ApplicationError("invalid") naming the unknown or repeated ones under `field`."""
    entries = _entries(list_name)
    values = [codes] if isinstance(codes, str) else list(codes)
    unknown = [str(code) for code in values if not (isinstance(code, str) and code in entries)]
    repeated = sorted({code for code in values if isinstance(code, str) and values.count(code) > 1})
    if not unknown and not repeated:
        return values
    messages = []
    if unknown:
        messages.append(
            gettext("Unknown codes for %(list)s: %(codes)s.")
            % {"list": code_list_label(list_name), "codes": ", ".join(unknown)}
        )
    if repeated:
        messages.append(
            gettext("Codes given more than once for %(list)s: %(codes)s.")
            % {"list": code_list_label(list_name), "codes": ", ".join(repeated)}
        )
    message = " ".join(messages)
    raise ApplicationError("invalid", message, {"fields": {field: message}, "codes": unknown + repeated})
