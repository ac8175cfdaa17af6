"""Renders a form field's widget with Bootstrap's classes, keeping Django's aria-invalid and aria-describedby."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField, BoundWidget
from django.utils.safestring import SafeString

register = template.Library()

_CHOICE_LISTS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def field_kind(field: BoundField) -> str:
    """How includes/form_field.html lays the field out: hidden, checkbox, choices (a fieldset), or input."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, _CHOICE_LISTS):
        return "choices"
    return "input"


def _widget_class(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, (forms.CheckboxInput, *_CHOICE_LISTS)):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    return " ".join(part for part in (widget.attrs.get("class", ""), css) if part)


@register.simple_tag
def field_widget(field: BoundField) -> SafeString:
    """The widget with Bootstrap's class added. Django (5.2) adds aria-invalid and an aria-describedby naming
    `<id>_helptext` and `<id>_error`, the ids includes/form_field.html gives the help text and the errors."""
    return field.as_widget(attrs={"class": _widget_class(field)})


@register.simple_tag
def field_choices(field: BoundField) -> list[BoundWidget]:
    """The radio buttons or checkboxes of a choice list, each with Bootstrap's class, to lay out one by one
    (`{{ choice.tag }}`, `{{ choice.id_for_label }}`, `{{ choice.choice_label }}`)."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({"class": _widget_class(field)}, widget)
    if field.auto_id:
        attrs["id"] = field.auto_id
    return [
        BoundWidget(widget, option, field.form.renderer)
        for option in widget.subwidgets(field.html_name, field.value(), attrs=attrs)
    ]
