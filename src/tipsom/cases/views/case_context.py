"""What the case page shows: the viewer's rights on one case, its header, its tabs and the forms of its actions.

Free text that may name people (notes, places, goals, the guardian's name, file names) is shown in clear only to
those who may reveal the case's identifying data (its team); everyone else sees it masked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tipsom.accounts.selectors import user_list
from tipsom.cases.forms import case as f
from tipsom.cases.models import Case, ChildProtection, StatusDecision
from tipsom.cases.selectors import case_allows
from tipsom.core.codes import code_label
from tipsom.core.errors import NotFound
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.masking import MASKED
from tipsom.core.permissions import user_can
from tipsom.core.registry import CaseTab, ordered
from tipsom.organizations import geography
from tipsom.organizations.models import OrganizationFunction
from tipsom.organizations.selectors import organization_list
from tipsom.people.models import Person
from tipsom.people.selectors import person_list

PENDING = StatusDecision.Approval.PENDING
TABS: tuple[tuple[str, Any], ...] = (
    ("overview", gettext_lazy("Overview")),
    ("identification", gettext_lazy("Identification")),
    ("consent", gettext_lazy("Consent")),
    ("work", gettext_lazy("Case work")),
    ("journal", gettext_lazy("Journal")),
    ("attachments", gettext_lazy("Attachments")),
    ("child", gettext_lazy("Child track")),
)


def labels(list_name: str, codes: list[str]) -> str:
    return ", ".join(code_label(list_name, code) for code in codes) or "—"


def countries(codes: list[str]) -> str:
    return ", ".join(geography.country_name(code) for code in codes if code) or "—"


class CasePage:
    """One case as one viewer may see and change it."""

    def __init__(self, request: AuthenticatedHttpRequest, case: Case):
        self.request = request
        self.user = request.user
        self.case = case

    @cached_property
    def can_reveal(self) -> bool:
        return case_allows(self.user, self.case, "reveal")

    @cached_property
    def can_change(self) -> bool:
        return case_allows(self.user, self.case, "change")

    @cached_property
    def can_approve(self) -> bool:
        return user_can(self.user, "approve", Case)

    @cached_property
    def can_reveal_person(self) -> bool:
        if not (self.can_reveal and user_can(self.user, "reveal", Person)):
            return False
        return person_list(user=self.user, action="reveal").filter(pk=self.case.person_id).exists()

    @property
    def person_facts(self) -> list[tuple[str, Any]]:
        """What the page tells of the person without revealing them: statistical values only."""
        person = self.case.person
        born = person.birth_year or (_("unknown, presumed a minor") if person.is_presumed_minor else "—")
        return [
            (_("Gender"), person.get_gender_display()),
            (_("Citizenships"), countries(person.citizenships)),
            (_("Birth year"), born),
        ]

    def shown(self, value: str | None) -> str:
        """A free-text value in clear for the case's team, masked for everyone else."""
        if not value:
            return ""
        return value if self.can_reveal else MASKED

    @cached_property
    def decisions(self) -> list[StatusDecision]:
        return list(self.case.decisions.all())

    @cached_property
    def closure_requests(self) -> list[Any]:
        return list(self.case.closure_requests.all())

    @cached_property
    def pending_decision(self) -> StatusDecision | None:
        return next((d for d in self.decisions if d.approval == PENDING), None)

    @cached_property
    def pending_closure(self) -> Any:
        return next((r for r in self.closure_requests if r.approval == PENDING), None)

    @cached_property
    def track(self) -> ChildProtection | None:
        try:
            return self.case.child_protection
        except ChildProtection.DoesNotExist:
            return None

    @property
    def tabs(self) -> list[tuple[str, Any]]:
        return [(name, label) for name, label in TABS if name != "child" or self.case.is_child]

    @cached_property
    def extra_tabs(self) -> list[CaseTab]:
        """The tabs other apps bring (the Referrals tab), each with its own page under /cases/<pk>/."""
        return [tab for tab in ordered("case_tabs") if tab.allowed(self)]

    def check_tab(self, tab: str) -> str:
        if tab not in dict(self.tabs):
            raise NotFound()
        return tab

    # Choices for the forms, each read once per request -------------------------------------------------------

    @cached_property
    def _case_org_ids(self) -> set[int]:
        return {self.case.owner_organization_id, *(o.organization_id for o in self.case.organizations.all())}

    @cached_property
    def _people(self) -> list[tuple[int, str, int | None]]:
        """Users of the organizations on the case the viewer may see, with the current team and owner."""
        found = {
            user.pk: (user.pk, user.full_name or user.username, user.organization_id)
            for user in user_list(user=self.user)
            .filter(organization_id__in=self._case_org_ids, is_active=True)
            .only("pk", "full_name", "username", "organization_id")
        }
        for user in [*self.case.team.all(), self.case.case_owner]:
            if user is not None:
                found.setdefault(user.pk, (user.pk, user.full_name or user.username, user.organization_id))
        return sorted(found.values(), key=lambda row: row[1].casefold())

    @property
    def team_choices(self) -> list[tuple[int, str]]:
        return [(pk, name) for pk, name, _org in self._people]

    @property
    def owner_choices(self) -> list[tuple[int, str]]:
        return [(pk, name) for pk, name, org in self._people if org == self.case.owner_organization_id]

    @cached_property
    def _country_orgs(self) -> list[tuple[int, str, list[str]]]:
        rows = (
            organization_list(user=self.user)
            .filter(country=self.case.country, is_active=True)
            .order_by("name")
            .values_list("pk", "name", "functions")
        )
        return [(pk, name, functions or []) for pk, name, functions in rows]

    @property
    def organization_choices(self) -> list[tuple[int, str]]:
        return [(pk, name) for pk, name, _functions in self._country_orgs]

    @property
    def agency_choices(self) -> list[tuple[int, str]]:
        return [
            (pk, name)
            for pk, name, functions in self._country_orgs
            if OrganizationFunction.CHILD_PROTECTION in functions
        ]


# The forms of the actions ---------------------------------------------------------------------------------------


@dataclass
class ActionForm:
    """One action's form as the page lays it out (includes cases/partials/action_form.html)."""

    name: str
    form: forms.BaseForm
    url: str
    form_id: str
    submit: str
    title: str = ""
    multipart: bool = False
    compact: bool = False
    review: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Spec:
    tab: str
    title: Any
    submit: Any
    done: Any
    build: Callable[[CasePage, Any, Any], forms.BaseForm]
    item: str = ""  # the URL argument naming the record acted on
    multipart: bool = False
    compact: bool = False
    review: bool = False


def _versioned(page: CasePage, data: Any, form_class: type[forms.Form], **kwargs: Any) -> forms.Form:
    return form_class(data, initial={"version": page.case.version}, **kwargs)


def _edit(page: CasePage, data: Any, files: Any) -> forms.Form:
    return f.CaseEditForm(
        data, case=page.case, owners=page.owner_choices, initial=f.CaseEditForm.initial_for(page.case)
    )


def _team(page: CasePage, data: Any, files: Any) -> forms.Form:
    initial = {"version": page.case.version, "team": [str(user.pk) for user in page.case.team.all()]}
    return f.TeamForm(data, members=page.team_choices, initial=initial)


def _child(page: CasePage, data: Any, files: Any) -> forms.Form:
    track = page.track
    initial = (
        f.ChildUpdateForm.initial_for(track, page.case, with_guardian_name=page.can_reveal)
        if track
        else {"version": page.case.version}
    )
    return f.ChildUpdateForm(
        data, organizations=page.organization_choices, with_guardian_name=page.can_reveal, initial=initial
    )


SPECS: dict[str, Spec] = {
    "edit": Spec(
        "overview",
        gettext_lazy("Change the case"),
        gettext_lazy("Save the case"),
        gettext_lazy("The case was saved."),
        _edit,
    ),
    "team": Spec(
        "overview", gettext_lazy("Team"), gettext_lazy("Save the team"), gettext_lazy("The team was saved."), _team
    ),
    "set_status": Spec(
        "overview",
        gettext_lazy("Status"),
        gettext_lazy("Change the status"),
        gettext_lazy("The status was changed."),
        lambda page, data, files: _versioned(page, data, f.StatusForm),
    ),
    "close": Spec(
        "overview",
        gettext_lazy("Close the case"),
        gettext_lazy("Close the case"),
        gettext_lazy("The closure was recorded."),
        lambda page, data, files: _versioned(page, data, f.ClosureForm),
    ),
    "closure_review": Spec(
        "overview",
        gettext_lazy("Review the closure"),
        "",
        gettext_lazy("The review was saved."),
        lambda page, data, files: f.ReviewForm(data),
        item="request_id",
        review=True,
    ),
    "decide": Spec(
        "identification",
        gettext_lazy("Record a status decision"),
        gettext_lazy("Record the decision"),
        gettext_lazy("The decision was recorded."),
        lambda page, data, files: _versioned(page, data, f.DecisionForm),
    ),
    "decision_review": Spec(
        "identification",
        gettext_lazy("Review the decision"),
        "",
        gettext_lazy("The review was saved."),
        lambda page, data, files: f.ReviewForm(data),
        item="decision_id",
        review=True,
    ),
    "event": Spec(
        "identification",
        gettext_lazy("Add a trafficking event"),
        gettext_lazy("Add the event"),
        gettext_lazy("The event was added."),
        lambda page, data, files: _versioned(page, data, f.EventForm),
    ),
    "consent": Spec(
        "consent",
        gettext_lazy("Record consent"),
        gettext_lazy("Record"),
        gettext_lazy("The consent was recorded."),
        lambda page, data, files: _versioned(page, data, f.ConsentForm),
    ),
    "assessment": Spec(
        "work",
        gettext_lazy("Add an assessment"),
        gettext_lazy("Add the assessment"),
        gettext_lazy("The assessment was added."),
        lambda page, data, files: _versioned(page, data, f.AssessmentForm),
    ),
    "plan": Spec(
        "work",
        gettext_lazy("Add to the support plan"),
        gettext_lazy("Add to the plan"),
        gettext_lazy("The plan was changed."),
        lambda page, data, files: _versioned(page, data, f.PlanItemForm),
    ),
    "plan_status": Spec(
        "work",
        "",
        gettext_lazy("Set"),
        gettext_lazy("The plan was changed."),
        lambda page, data, files: _versioned(page, data, f.PlanStatusForm),
        item="item_id",
        compact=True,
    ),
    "service": Spec(
        "work",
        gettext_lazy("Record a service delivered"),
        gettext_lazy("Record the service"),
        gettext_lazy("The service was recorded."),
        lambda page, data, files: _versioned(page, data, f.ServiceForm, providers=page.organization_choices),
    ),
    "task": Spec(
        "work",
        gettext_lazy("Add a task"),
        gettext_lazy("Add the task"),
        gettext_lazy("The task was added."),
        lambda page, data, files: _versioned(page, data, f.TaskForm, assignees=page.team_choices),
    ),
    "task_done": Spec(
        "work",
        "",
        gettext_lazy("Done"),
        gettext_lazy("The task was marked done."),
        lambda page, data, files: _versioned(page, data, f.VersionForm),
        item="task_id",
        compact=True,
    ),
    "journal": Spec(
        "journal",
        gettext_lazy("Add a note"),
        gettext_lazy("Add the note"),
        gettext_lazy("The note was added."),
        lambda page, data, files: f.JournalForm(data),
    ),
    "attachment": Spec(
        "attachments",
        gettext_lazy("Attach a file"),
        gettext_lazy("Upload"),
        gettext_lazy("The file was attached."),
        lambda page, data, files: f.AttachmentForm(data, files),
        multipart=True,
    ),
    "child_notify": Spec(
        "child",
        gettext_lazy("Notify the child protection agency"),
        gettext_lazy("Notify"),
        gettext_lazy("The child protection agency was notified."),
        lambda page, data, files: _versioned(page, data, f.ChildNotifyForm, agencies=page.agency_choices),
    ),
    "child": Spec(
        "child",
        gettext_lazy("Guardian, best interests, family tracing and age"),
        gettext_lazy("Save"),
        gettext_lazy("The child track was saved."),
        _child,
    ),
}


def action_form(page: CasePage, name: str, *, item: Any = None, data: Any = None, files: Any = None) -> ActionForm:
    spec = SPECS[name]
    kwargs: dict[str, Any] = {"pk": page.case.pk}
    form_id = f"form-{name.replace('_', '-')}"
    if spec.item:
        kwargs[spec.item] = item
        form_id = f"{form_id}-{item}"
    form = spec.build(page, data, files)
    form.auto_id = f"{form_id}-%s"  # several forms share the page: their fields' ids must not clash
    return ActionForm(
        name=name,
        form=form,
        url=reverse(f"cases:{name}", kwargs=kwargs),
        form_id=form_id,
        submit=str(spec.submit),
        title=str(spec.title),
        multipart=spec.multipart,
        compact=spec.compact,
        review=spec.review,
    )
