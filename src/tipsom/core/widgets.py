"""Searchable pickers for long code lists: a select marked `data-picker`, which static/tipsom-picker.js turns into a
tom-select box (vendored, static/vendor/tom-select). Without JavaScript it stays a plain select, so every form
still works. `use_pickers(form)` swaps the widget of every choice field longer than PICKER_THRESHOLD."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext

PICKER_THRESHOLD = 8


def _picker_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    """The picker's words, in the language of the page being rendered (the script reads them)."""
    return {
        "data-picker": "",
        "data-picker-no-results": gettext("Nothing matches."),
        "data-picker-placeholder": gettext("Type to search…"),
        "data-picker-remove": gettext("Remove"),
        **attrs,
    }


class PickerSelect(forms.Select):
    """One code from a long list, searchable."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, value, _picker_attrs(attrs or {}))


class PickerSelectMultiple(forms.SelectMultiple):
    """Several codes from a long list, searchable, each chosen one shown with a button to remove it."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, value, _picker_attrs(attrs or {}))


def _choice_count(field: forms.ChoiceField) -> int:
    choices: Any = field.choices  # a list, or an iterator over a callable's choices (django-stubs types it wider)
    return sum(len(group) if isinstance(group, (list, tuple)) else 1 for _value, group in choices)


def as_picker(field: forms.Field) -> None:
    """Give a choice field the picker widget (multiple or single), keeping its choices and attributes."""
    if not isinstance(field, forms.ChoiceField):
        raise TypeError("only a choice field can be a picker")
    old = field.widget
    multiple = isinstance(field, forms.MultipleChoiceField)
    widget: forms.Select = (PickerSelectMultiple if multiple else PickerSelect)(attrs=dict(old.attrs))
    widget.choices = cast(Any, field.choices)  # the field's own (normalised) choices, shared with the widget
    widget.is_required = field.required
    field.widget = widget


def use_pickers(form: forms.BaseForm, *, threshold: int = PICKER_THRESHOLD, exclude: tuple[str, ...] = ()) -> None:
    """Every choice field of `form` with more than `threshold` options becomes a searchable picker (no more
    Ctrl-click multi-selects or walls of checkboxes)."""
    for name, field in form.fields.items():
        if name in exclude or not isinstance(field, forms.ChoiceField):
            continue
        if isinstance(field.widget, (PickerSelect, PickerSelectMultiple, forms.HiddenInput)):
            continue
        if _choice_count(field) > threshold:
            as_picker(field)
