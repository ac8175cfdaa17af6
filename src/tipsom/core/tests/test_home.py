"""The UI shell: the home page, navigation by role, error pages, and pages that keep to the CSP."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.core.errors import ApplicationError
from tipsom.core.middleware import error_response

pytestmark = pytest.mark.django_db


def _client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_home_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/"


def test_home_shows_organization_roles_and_the_screens_the_roles_open(organization):
    operator = make_user(organization, roles=("me_officer",), full_name="Rita Alves")
    html = _client_for(operator).get("/").content.decode()
    assert "Welcome, Rita Alves" in html
    assert organization.name in html and "M&amp;E officer" in html
    assert f'href="{reverse("organizations:list")}"' in html
    assert reverse("accounts:user_list") not in html and reverse("audit:event_list") not in html


def test_navigation_follows_the_roles(organization):
    auditor = make_user(organization, roles=("auditor",))
    html = _client_for(auditor).get("/").content.decode()
    assert reverse("audit:event_list") in html and reverse("accounts:user_list") not in html
    admin = make_user(organization, roles=("system_administrator",))
    html = _client_for(admin).get("/").content.decode()
    assert reverse("accounts:user_list") in html


def test_home_without_roles_says_what_to_do(organization):
    nobody = make_user(organization)
    html = _client_for(nobody).get("/").content.decode()
    assert "You hold no role yet" in html and "Your roles do not open any screen yet" in html


def test_navbar_shows_the_user_and_a_post_logout(organization):
    user = make_user(organization, roles=("me_officer",), full_name="Rita Alves")
    html = _client_for(user).get("/").content.decode()
    assert re.search(r'<form method="post" action="/accounts/logout/"', html)
    assert f'href="{reverse("accounts:profile")}"' in html and "Rita Alves" in html


def test_unknown_address_gives_the_404_page(organization):
    user = make_user(organization, roles=("me_officer",))
    response = _client_for(user).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1" in html and "Not found" in html and "Go to the home page" in html


def test_application_error_page_shows_message_and_code(organization):
    request = RequestFactory().get("/somewhere/")
    request.user = make_user(organization)
    error = ApplicationError("conflict", "Someone else changed this record.", status=409)
    response = error_response(request, error)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this record." in html and "<code>conflict</code>" in html
    assert "Changed by someone else" in html


def test_500_page_renders_without_request_or_database():
    html = render_to_string("500.html")
    assert "Something went wrong" in html and 'dir="ltr"' in html and "bootstrap.min.css" in html


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
_INLINE_STYLE = re.compile(r"<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)


@pytest.mark.parametrize("path", ["/", "/accounts/me/", "/accounts/me/password/", "/no-such-page/"])
def test_pages_have_no_inline_script_or_style(organization, path):
    """The CSP allows scripts and styles only from this site's files; inline ones would be blocked."""
    user = make_user(organization, roles=("system_administrator",))
    html = _client_for(user).get(path).content.decode()
    assert not _INLINE_SCRIPT.search(html)
    assert not _INLINE_STYLE.search(html), _INLINE_STYLE.search(html)


def test_sign_in_pages_have_no_inline_script_or_style(client, organization):
    user = make_user(organization, roles=("case_manager",))
    pages = [client.get("/accounts/login/").content.decode()]
    client.post("/accounts/login/", {"username": user.username, "password": "correct horse battery staple"})
    pages.append(client.get("/accounts/login/enrol/").content.decode())
    for html in pages:
        assert not _INLINE_SCRIPT.search(html) and not _INLINE_STYLE.search(html)


class _SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the badge")
    colour = forms.ChoiceField(label="Colour", choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect)
    kind = forms.ChoiceField(label="Kind", choices=[("x", "X")])

    def clean(self) -> dict:
        raise forms.ValidationError("The whole form is wrong.")


def test_form_include_ties_help_and_errors_to_their_fields():
    form = _SampleForm({"name": "", "kind": "x"})
    form.is_valid()
    html = render_to_string("includes/form.html", {"form": form})
    assert 'role="alert"' in html and "The whole form is wrong." in html
    assert '<a class="alert-link" href="#id_name">Name: This field is required.</a>' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html and 'aria-invalid="true"' in html
    assert 'id="id_name_helptext"' in html and 'id="id_name_error"' in html
    assert 'class="form-control is-invalid"' in html and 'class="form-select"' in html
    # A choice list is a fieldset with a legend; each option has its own label.
    assert '<fieldset class="mb-3" aria-describedby="id_colour_error">' in html
    assert '<label class="form-check-label" for="id_colour_1">Green</label>' in html


def test_pagination_include_links_both_ways():
    html = render_to_string("includes/pagination.html", {"next_url": "?before=9", "prev_url": "?after=20"})
    assert 'href="?before=9" rel="next">Older<' in html and 'href="?after=20" rel="prev">Newer<' in html
    assert render_to_string("includes/pagination.html", {"next_url": "", "prev_url": ""}).strip() == ""
    numbered = render_to_string(
        "includes/pagination.html", {"next_url": "?page=2", "prev_url": "", "next_label": "Next", "prev_label": "Prev"}
    )
    assert 'rel="next">Next<' in numbered and "Prev" in numbered
