"""The form renderer writes the same HTML as Django's template renderer, widget by widget and page by page."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.test import override_settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from tipsom.core.renderers import FormRenderer, NamedEmptyChoices

CHOICES = [
    ("", "(any)"),
    ("a", "Alpha & <beta>"),
    ("b", gettext_lazy("Status")),
    (3, 3),
    ("s", mark_safe("<b>safe</b>")),
]
GROUPED = [("", "-"), ("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Zed")]


class EveryWidget(forms.Form):
    text = forms.CharField(max_length=20, help_text="Help", widget=forms.TextInput(attrs={"class": "form-control"}))
    number = forms.IntegerField(min_value=0, required=False)
    decimal = forms.DecimalField(required=False)
    email = forms.EmailField(required=False)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    flag = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea, required=False)
    pick = forms.ChoiceField(choices=CHOICES, required=False)
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect, required=False)
    boxes = forms.MultipleChoiceField(choices=GROUPED[1:], widget=forms.CheckboxSelectMultiple, required=False)
    disabled = forms.ChoiceField(choices=CHOICES, disabled=True, required=False)


DATA = {
    "text": 'say "hi" & <go>',
    "number": "12",
    "decimal": "1.5",
    "email": "bad",
    "date": "2026-01-02",
    "when": "2026-01-02 03:04",
    "hidden": "h&h",
    "secret": "pw",
    "flag": "on",
    "note": "line\n<two>",
    "pick": "a",
    "grouped": "y",
    "many": ["a", "3"],
    "radio": "s",
    "boxes": ["x", "z"],
    "disabled": "b",
}
INITIAL = {"number": 1234567, "decimal": 1234.5, "date": datetime.date(2026, 3, 4), "pick": 3, "radio": "b"}


def _rendered(form: forms.Form) -> list[str]:
    parts = []
    for field in form:
        parts.append(str(field))  # the widget as Django renders it
        parts.append(field.as_widget(attrs={"class": "form-select is-invalid", "required": True, "x": False}))
        parts.extend(str(choice) for choice in field.subwidgets)  # each radio/checkbox with its label
        parts.extend(choice.tag() for choice in field.subwidgets)  # and without
    parts.append(form.as_div())
    return parts


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("kwargs", [{"data": DATA}, {"initial": INITIAL}, {}], ids=["bound", "initial", "empty"])
def test_every_widget_renders_as_djangos_templates_do(kwargs: dict, language: str) -> None:
    with override(language):
        ours = _rendered(EveryWidget(renderer=FormRenderer(), **kwargs))
        theirs = _rendered(EveryWidget(renderer=NamedEmptyChoices(), **kwargs))
    assert len(ours) == len(theirs) > 40
    for mine, django_own in zip(ours, theirs, strict=True):
        assert mine == django_own


def test_the_fast_path_is_taken_and_escapes() -> None:
    renderer = FormRenderer()
    assert renderer._renderers  # Django's widget templates are not overridden in this project
    html = forms.Select(choices=CHOICES).render("pick", "a", renderer=renderer)
    assert '<option value="a" selected>Alpha &amp; &lt;beta&gt;</option>' in html
    assert "<b>safe</b>" in html


@pytest.mark.django_db
def test_the_case_list_page_is_the_same_with_either_renderer(client) -> None:
    """A whole page with filter selects (the case list): byte for byte the same HTML."""
    from tipsom.accounts.testing import make_user, sign_in
    from tipsom.cases.testing import make_case

    user = make_user(roles=("case_manager",))
    make_case(user.organization, actor=user)
    sign_in(client, user)
    pages = []
    for renderer in ("tipsom.core.renderers.NamedEmptyChoices", "tipsom.core.renderers.FormRenderer"):
        with override_settings(FORM_RENDERER=renderer):
            get_default_renderer.cache_clear()  # type: ignore[attr-defined]  # an lru_cache, typed as a plain function
            try:
                response = client.get("/cases/?status=Active&citizenship=BR&is_child=true")
            finally:
                get_default_renderer.cache_clear()  # type: ignore[attr-defined]
        assert response.status_code == 200
        # The CSRF token is masked afresh, the CSP nonce and the request id drawn afresh on every request.
        html = re.sub(
            r'(csrfmiddlewaretoken" value|csrf-token" content|nonce)="[^"]+"', r"\1", response.content.decode()
        )
        pages.append(html.replace(response["X-Request-ID"], "<request id>"))
    assert pages[0].count("<option") > 100
    assert pages[0] == pages[1]


def test_an_empty_choice_reads_as_words_not_dashes() -> None:
    """Every form (the renderer is the project's): "---------" and "—" become "— choose —", or the widget's own."""
    renderer = FormRenderer()
    for blank in ("---------", "—", ""):
        html = forms.Select(choices=[("", blank), ("a", "A")]).render("pick", "", renderer=renderer)
        assert '<option value="" selected>— choose —</option>' in html
    own = forms.Select(choices=[("", "-"), ("a", "A")], attrs={"data-empty-label": "Not known"})
    assert '<option value="" selected>Not known</option>' in own.render("pick", "", renderer=renderer)
    kept = forms.Select(choices=[("", "(any)")]).render("pick", "", renderer=renderer)
    assert ">(any)</option>" in kept
