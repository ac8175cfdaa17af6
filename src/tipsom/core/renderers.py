"""The form renderer: Django's own widget templates, with the commonest ones rendered in Python.

Django renders every `<option>` of a select through two template includes (`select_option.html`, `attrs.html`),
and every input and radio button through two or three: on a page with hundreds of options that was most of the
request's CPU (issue 10). The functions below produce the same bytes as those templates (a test compares them
widget by widget, with the stock renderer); any widget or option they do not know goes to the template."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import django
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # in Django, missing from django-stubs
from django.utils.translation import gettext

_WIDGETS = "django/forms/widgets/"
_SELECT_OPTION = _WIDGETS + "select_option.html"
# The templates that are nothing but `{% include "django/forms/widgets/input.html" %}`.
_INPUTS = {
    _WIDGETS + name
    for name in (
        "checkbox.html",
        "color.html",
        "date.html",
        "datetime.html",
        "email.html",
        "file.html",
        "hidden.html",
        "number.html",
        "password.html",
        "search.html",
        "tel.html",
        "text.html",
        "time.html",
        "url.html",
    )
}
_INPUT_OPTIONS = {_WIDGETS + "radio_option.html", _WIDGETS + "checkbox_option.html", _WIDGETS + "input_option.html"}


def _text(value: Any) -> str:
    """`{{ value }}` in a template: localized, then escaped unless marked safe."""
    if type(value) is str:  # the common case (a plain string localizes to itself): straight to escaping
        return escape(value)
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def _as_string(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` (a filter that keeps a safe string safe), escaped."""
    if type(value) is str:
        return escape(value)
    try:
        formatted = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031  (the filter's own)
    except (ValueError, TypeError):
        formatted = ""
    return conditional_escape(mark_safe(formatted) if isinstance(value, SafeData) else formatted)  # noqa: S308  (safe in, safe out: the filter's rule)


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_as_string(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input.html, without its closing newline."""
    value = f' value="{_as_string(widget["value"])}"' if widget["value"] != None else ""  # noqa: E711 (the template's test)
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _input_option(widget: dict[str, Any]) -> str:
    """django/forms/widgets/input_option.html (radio buttons and checkboxes of a choice list)."""
    if not widget.get("wrap_label"):
        return _input(widget)
    html_id = widget["attrs"].get("id")
    label_for = f' for="{_text(html_id)}"' if html_id else ""
    return f"<label{label_for}>{_input(widget)}\n {_text(widget['label'])}</label>"


def _select(widget: dict[str, Any]) -> str | None:
    """django/forms/widgets/select.html with its options; None when an option has a template of its own."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != _SELECT_OPTION:
                return None
            parts.append(
                f'\n  <option value="{_as_string(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_RENDERERS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    _WIDGETS + "select.html": _select,
    _WIDGETS + "input.html": _input,
    **dict.fromkeys(_INPUTS, _input),
    **dict.fromkeys(_INPUT_OPTIONS, _input_option),
}


# What Django and our forms used to show for "nothing chosen" (BLANK_CHOICE_DASH, a model choice's empty_label).
_DASHES = frozenset({"", "-", "—", "–", "---------", "— —"})
EMPTY_LABEL_ATTR = "data-empty-label"


def empty_label(attrs: dict[str, Any]) -> str:
    """The words for a select's empty choice: the widget's own (`data-empty-label`), else "— choose —"."""
    own = attrs.get(EMPTY_LABEL_ATTR)
    return str(own) if own else gettext("— choose —")


def _name_empty_choices(widget: dict[str, Any]) -> None:
    """Every form at once: an empty option reads as words ("— choose —", "Not known", "Any"), never dashes."""
    words = None
    for _group_name, group_choices, _index in widget.get("optgroups") or ():
        for option in group_choices:
            if option.get("value") in ("", None) and str(option.get("label") or "").strip() in _DASHES:
                words = words or empty_label(widget.get("attrs") or {})
                option["label"] = words


class NamedEmptyChoices(DjangoTemplates):
    """Django's template renderer, with the empty choice of every select in words."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == _WIDGETS + "select.html" and isinstance(context.get("widget"), dict):
            _name_empty_choices(context["widget"])
        return super().render(template_name, context, request=request)


class FormRenderer(NamedEmptyChoices):
    """settings.FORM_RENDERER: the same output as NamedEmptyChoices (Django's templates), faster for the widgets
    above."""

    @cached_property
    def _renderers(self) -> dict[str, Callable[[dict[str, Any]], str | None]]:
        """The functions above, as long as every template they stand for is Django's own (none overridden)."""
        own = Path(django.__file__).parent / "forms" / "templates"
        names = {*_RENDERERS, _SELECT_OPTION, _WIDGETS + "attrs.html"}
        if all(Path(self.get_template(name).origin.name).is_relative_to(own) for name in names):
            return _RENDERERS
        return {}

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == _WIDGETS + "select.html" and isinstance(context.get("widget"), dict):
            _name_empty_choices(context["widget"])
        render = self._renderers.get(template_name)
        widget = context.get("widget") if render is not None else None
        if render is not None and isinstance(widget, dict):
            try:
                html = render(widget)
            except KeyError:  # a widget context of another shape: the template knows what to do with it
                html = None
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request=request)
