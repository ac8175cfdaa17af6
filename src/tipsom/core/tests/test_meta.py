"""Meta-tests: every URL and every model of tipsom has permission tests (an AccessCase), or a stated reason."""

import importlib
import pkgutil

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

import tipsom
from tipsom.accounts.testing import ACCESS_CASES

# URLs that are not protected records or screens, each with the test that covers it instead.
URL_EXEMPT = {
    "healthz": "public by design; core/tests/test_operations.py",
    "set_language": "Django's language switch; accounts/tests/test_auth.py",
    "api-schema": "public OpenAPI document; core/tests/test_api*.py",
    "api-docs": "public API documentation; core/tests/test_api*.py",
    "home": "every signed-in user's landing page; core/tests/test_home.py",
    "accounts:login": "sign-in, public by design; accounts/tests/test_auth.py",
    "accounts:login_verify": "sign-in step; accounts/tests/test_auth.py",
    "accounts:login_enrol": "sign-in step; accounts/tests/test_auth.py",
    "accounts:logout": "own session; accounts/tests/test_auth.py",
    "accounts:profile": "own account only; accounts/tests/test_auth.py",
    "accounts:password_change": "own account only; accounts/tests/test_auth.py",
    "accounts:token_create": "own tokens only; accounts/tests/test_auth.py",
    "accounts:token_revoke": "own tokens only; accounts/tests/test_auth.py",
    "api:api-root": "the API index, no records; core/tests/test_api*.py",
    "api:auth-token": "sign-in for the API, public by design; core/tests/test_api*.py",
    "api:auth-logout": "own token only; core/tests/test_api*.py",
    "api:me": "own account only; core/tests/test_api*.py",
}

# Models with no screen or endpoint of their own.
MODEL_EXEMPT = {
    "audit.audithead": "signed heads of the chain, written by tipsom audit chain; audit/tests/test_chain.py",
    "accounts.objectpermission": "shown only inside the role list; accounts:role_list",
    "referrals.exchangekey": "managed only by `tipsom referral keys`; referrals/tests/test_command.py",
    "referrals.exchangepeer": "managed only by `tipsom referral peer-add`; referrals/tests/test_command.py",
    "justice.numbercounter": "reference counters, written only by justice.services.common.reference_next; "
    "justice/tests/test_cases_services.py (test_reference_counter_per_country_year_kind)",
    "people.personnamekey": "blind-index search keys, served by no view or API, written with the names; "
    "people/tests/test_name_keys.py, cases/tests/test_lists_search.py",
    "matching.matchkey": "blocking keys, served by no view or API, written with the persons; "
    "matching/tests/test_services.py (test_keys_are_written_with_the_person_and_follow_a_changed_name)",
    "helpline.contactnumbercounter": "contact number counters, written only by "
    "helpline.services.contact.contact_reference_next; helpline/tests/test_services.py "
    "(test_references_count_per_country_and_year)",
    "matching.matchsettings": "the check's Fellegi-Sunter parameters, written by a deduplication job, read by the "
    "check; matching/tests/test_batch.py",
    "stats.victimcount": "the counted victims pre-aggregated for the dashboard and GLOTIP, written only by "
    "stats.facts.cube, served only through the published tables (stats:dashboard, whose AccessCases name the facts); "
    "stats/tests/test_cube.py",
    "stats.factstate": "the facts' watermarks, written only by stats.facts.engine; stats/tests/test_facts.py",
    "stats.externalrecord": "the rows of an external dataset, shown only as the shares of the comparison "
    "(stats:ctdc, whose AccessCase names stats.externaldataset); stats/tests/test_ctdc_import.py",
}


def _import_all_tests() -> None:
    for module in pkgutil.walk_packages(tipsom.__path__, "tipsom."):
        if ".tests.test_" in module.name:
            importlib.import_module(module.name)


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            module = getattr(entry.urlconf_module, "__name__", "") or ""
            if module.startswith("django.") and not entry.namespace:
                names |= {n for n in _url_names(entry, inner) if n == "set_language"}
                continue
            names |= _url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def _our_url_names() -> set[str]:
    # Format-suffix duplicates (".json") and the router's format routes are the same views.
    return {name for name in _url_names(get_resolver()) if not name.endswith("-format")}


def test_every_url_has_permission_tests():
    _import_all_tests()
    covered = {case.url_name for case in ACCESS_CASES}
    missing = sorted(_our_url_names() - covered - set(URL_EXEMPT))
    assert not missing, f"URLs without an AccessCase subclass (accounts/testing.py): {missing}"


def test_exemptions_are_not_stale():
    names = _our_url_names()
    assert not sorted(set(URL_EXEMPT) - names), "remove exemptions for URLs that no longer exist"


def test_every_model_has_permission_tests():
    _import_all_tests()
    covered = {case.model._meta.label_lower for case in ACCESS_CASES if case.model is not None}
    ours = {m._meta.label_lower for m in apps.get_models() if m.__module__.startswith("tipsom.")}
    missing = sorted(ours - covered - set(MODEL_EXEMPT))
    assert not missing, f"models no AccessCase names as `model`: {missing}"
