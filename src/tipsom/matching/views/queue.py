"""The review queue: possible duplicates by score with their reasons in words, a pair's two persons side by side
(identities masked until an audited reveal), the reviewer's decision, and the merge with its choice of birth data.
Thin: matching.selectors read, matching.services decide."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.accounts.models import User
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.filtering import is_valid
from tipsom.core.forms import submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.listing import SortColumn, capped_count, list_page
from tipsom.core.masking import mask
from tipsom.core.permissions import require_permission, user_can
from tipsom.matching import selectors
from tipsom.matching.filters import PairFilterSet, with_default_status
from tipsom.matching.forms import DecideForm, MergeForm
from tipsom.matching.models import CandidatePair, PersonMerge
from tipsom.matching.services import BIRTH_FIELDS, pair_decide, person_merge
from tipsom.matching.wording import probability_text, reason_words
from tipsom.organizations import geography
from tipsom.people.forms import RevealForm
from tipsom.people.models import Person
from tipsom.people.selectors import access_person_by_id, person_case_numbers, person_list

# probability: never NULL, served by the queue's (status, -probability) index.
SORTS = (SortColumn("probability", "probability", descending_first=True, label=_lazy("Score")),)


def _order_text(sort: str) -> str:
    return {
        "-probability": _("Most likely duplicates first."),
        "probability": _("Least likely duplicates first."),
        "-pk": _("Most recently found first."),
        "pk": _("First found first."),
    }.get(sort, "")


@require_GET
def queue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pairs of persons that may be one, by score, with the reasons in words; never a name."""
    require_permission(request.user, "view", CandidatePair)
    pairs = selectors.pair_list(user=request.user, status=None)
    filterset = PairFilterSet(with_default_status(request.GET), queryset=pairs, request=request)
    valid = is_valid(filterset)
    chosen = filterset.qs if valid else pairs.none()
    listing = list_page(request, chosen, SORTS, default="-probability", count=valid)
    context = {
        "filter": filterset,
        "listing": listing,
        "page": listing.page,
        "order": _order_text(listing.sort),
        "rows": [_pair_row(pair) for pair in listing.page.items],
        "can_merge": user_can(request.user, "add", PersonMerge),
    }
    return render(request, "matching/queue.html", context, status=200 if valid else 400)


def _pair_row(pair: CandidatePair) -> dict[str, Any]:
    return {
        "pair": pair,
        "persons": (pair.person_low, pair.person_high),
        "score": probability_text(pair.probability),
        "reasons": reason_words(pair.reasons),
        "cluster_size": pair.cluster.size if pair.cluster else None,
    }


def person_column(user: User, person: Person, cases: list[str]) -> dict[str, Any]:
    """One side of a pair: statistical fields in full, identifying values masked, the audited reveal if allowed."""
    return {
        "person": person,
        "organization": person.owner_organization.name,
        "citizenships": [geography.country_name(code) for code in person.citizenships],
        "names": [(name.get_kind_display(), mask(name.name)) for name in person.names.all()],
        "birth_date_masked": mask(person.birth_date) if person.birth_date else "",
        "cases": cases,
        "merged": person.merged_into_id is not None,
        "can_reveal": person_list(user=user, action="reveal").filter(pk=person.pk).exists(),
        "reveal_target": f"identity-reveal-{person.pk}",
    }


def pair_context(request: AuthenticatedHttpRequest, pair: CandidatePair) -> dict[str, Any]:
    persons = [access_person_by_id(request.user, pk) for pk in (pair.person_low_id, pair.person_high_id)]
    cases = person_case_numbers(user=request.user, person_ids=[person.pk for person in persons])
    open_pair = pair.status != CandidatePair.Status.MERGED and pair_allows(request.user, pair, "change")
    return {
        "pair": pair,
        "columns": [person_column(request.user, person, cases.get(person.pk, [])) for person in persons],
        "score": probability_text(pair.probability),
        "reasons": reason_words(pair.reasons),
        "can_decide": open_pair,
        "can_merge": open_pair and user_can(request.user, "add", PersonMerge),
        "merges": list(selectors.merge_list(user=request.user).filter(pair=pair)),
        "can_undo": user_can(request.user, "change", PersonMerge),
        "reveal_form": RevealForm(),
        "decide_form": DecideForm(initial={"version": pair.version}),
    }


def pair_allows(user: User, pair: CandidatePair, action: str) -> bool:
    """Whether the user may `action` this pair (for showing buttons; the services check again when acting)."""
    try:
        selectors.access_pair_by_id(user, pair.pk, action)
    except NotFound:
        return False
    return True


@require_GET
def pair_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pair = selectors.access_pair_by_id(request.user, pk)
    return render(request, "matching/pair.html", pair_context(request, pair))


@require_POST
def pair_decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The reviewer's "Same person" or "Different persons": the pair page again, with the message or the refusal."""
    pair = selectors.access_pair_by_id(request.user, pk, "change")
    form = DecideForm(request.POST)
    submission = submit_form(form, lambda data: pair_decide(actor=request.user, pair_id=pair.pk, **data))
    if submission.ok and submission.result is not None:
        said: dict[str, str] = {
            CandidatePair.Status.CONFIRMED: _("Recorded: the same person. Merge them when you are ready."),
            CandidatePair.Status.REJECTED: _("Recorded: different persons. This pair will not be proposed again."),
        }
        messages.success(request, said[submission.result.status])
        return redirect("matching:pair", pk=pair.pk)
    pair.refresh_from_db()
    context = {**pair_context(request, pair), "decide_form": form, "stale": submission.status == 409}
    return render(request, "matching/pair.html", context, status=submission.status)


def _differences(pair: CandidatePair, fields: list[str]) -> list[dict[str, Any]]:
    """The birth fields that differ, each with both persons' values as the screens may show them: the year, the
    precision and the child status in full, the (identifying) birth date masked."""
    persons = (pair.person_low, pair.person_high)
    rows = []
    for name in BIRTH_FIELDS:
        if name not in fields:
            continue
        label = str(getattr(Person._meta.get_field(name), "verbose_name", name))
        values = []
        for person in persons:
            value = getattr(person, name)
            if name == "birth_date":
                values.append(mask(value) if value else "—")
            elif name == "birth_date_precision":
                values.append(person.get_birth_date_precision_display() or "—")
            elif name == "is_presumed_minor":
                values.append(_("yes") if value else _("no"))
            else:
                values.append(value if value not in (None, "") else "—")
        rows.append({"label": label.capitalize(), "values": values})
    return rows


@require_http_methods(["GET", "POST"])
def pair_merge_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Merge one person of the pair into the other. When their birth data or child status differ, the service
    asks for a choice: the form comes back with it and the fields that differ."""
    pair = selectors.access_pair_by_id(request.user, pk, "change")
    require_permission(request.user, "add", PersonMerge)
    form = MergeForm(request.POST or None, pair=pair)
    status = 200
    differing: list[str] = []
    if request.method == "POST":

        def save(data: dict[str, Any]) -> PersonMerge:
            survivor = data["survivor"]
            merged = pair.person_high_id if survivor == pair.person_low_id else pair.person_low_id
            try:
                return person_merge(
                    actor=request.user,
                    survivor_id=survivor,
                    merged_id=merged,
                    birth_from=data.get("birth_from") or "",
                    pair_id=pair.pk,
                )
            except ApplicationError as error:
                if error.code == "merge_choice_required":
                    differing.extend(str(name) for name in error.extra.get("fields", []))
                raise

        submission = submit_form(form, save)
        if submission.ok and submission.result is not None:
            merge = submission.result
            messages.success(
                request,
                _("%(merged)s was merged into %(survivor)s. The merge can be undone from the list of merges.")
                % {"merged": merge.merged, "survivor": merge.survivor},
            )
            return redirect(reverse("matching:merges"))
        status = submission.status
        if differing:
            form = MergeForm(request.POST, pair=pair, ask_birth=True)
            form.is_valid()
            form.add_error(
                "birth_from", _("The two records differ in birth data or child status: choose whose to keep.")
            )
    persons = (pair.person_low, pair.person_high)
    cases = person_case_numbers(user=request.user, person_ids=[person.pk for person in persons])
    differing = differing or [name for name in request.POST.getlist("differing") if name in BIRTH_FIELDS]
    context = {
        "pair": pair,
        "form": form,
        "score": probability_text(pair.probability),
        "reasons": reason_words(pair.reasons),
        "differing": differing,
        "differences": _differences(pair, differing),
        "persons": [{"person": person, "cases": cases.get(person.pk, [])} for person in persons],
    }
    return render(request, "matching/merge.html", context, status=status)


def open_pairs_count(user: User) -> Any:
    """How many pairs wait for a review (capped: the home widget and the queue's badge)."""
    return capped_count(selectors.pair_list(user=user))
