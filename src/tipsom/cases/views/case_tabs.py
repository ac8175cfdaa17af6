"""The tabs of the case page: what each shows, masked as the viewer requires, and the forms it offers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tipsom.cases.forms import case as f
from tipsom.cases.models import Consent, SomVulnerability, TraffickingAct
from tipsom.cases.selectors import case_attachments, case_journal
from tipsom.cases.services import child_closure_problems, consent_current
from tipsom.cases.services.case import CASE_LIST_FIELDS
from tipsom.cases.views.case_context import PENDING, ActionForm, CasePage, action_form, countries, labels
from tipsom.core.codes import code_label
from tipsom.organizations import geography


def _choice_labels(choices: Any, codes: list[str]) -> str:
    return ", ".join(str(label) for code, label in choices.choices if code in codes) or "—"


class TabBuilder:
    """The context of one tab. `errors` holds a submitted form with its errors, shown in place of a fresh one."""

    def __init__(self, page: CasePage, errors: ActionForm | None = None):
        self.page = page
        self.case = page.case
        self.errors = errors

    def form(self, name: str, item: Any = None) -> ActionForm:
        candidate = action_form(self.page, name, item=item)
        if self.errors is not None and self.errors.form_id == candidate.form_id:
            return self.errors
        return candidate

    def forms(self, *names: str) -> dict[str, ActionForm]:
        if not self.page.can_change:
            return {}
        return {name: self.form(name) for name in names}

    def build(self, tab: str) -> dict[str, Any]:
        return getattr(self, f"tab_{tab}")()

    def tab_overview(self) -> dict[str, Any]:
        case, page = self.case, self.page
        # The rows below carry display attributes for the template (shown_*, *_label, *_form): hence list[Any].
        facts: list[tuple[Any, Any]] = [
            (_("Type"), case.get_case_type_display()),
            (_("Status"), code_label("cas_Status", case.status)),
            (_("Trafficking status"), code_label("vic_TraffickingStatus", case.trafficking_status)),
            (_("Identified on"), case.identified_on),
            (_("Region of identification"), geography.region_name(case.country, case.region) if case.region else "—"),
            (_("Country of origin"), countries([case.origin_country])),
            (_("Transit countries"), countries(case.transit_countries)),
            (_("Country of destination"), countries([case.destination_country])),
        ]
        facts += [
            (f.CaseEditForm.LIST_LABELS[name], labels(list_name, getattr(case, name)))
            for name, list_name in CASE_LIST_FIELDS.items()
        ]
        if case.is_closed:
            facts += [(_("Closure reason"), case.get_closure_reason_display()), (_("Closed on"), case.closed_on)]
        closures: list[Any] = []
        for request in page.closure_requests:
            request.shown_comment = page.shown(request.approval_comment)
            if request.approval == PENDING and page.can_approve and request.created_by_id != page.user.pk:
                request.review_form = self.form("closure_review", item=request.pk)
            closures.append(request)
        forms = self.forms("edit", "team", "set_status") if not case.is_closed else self.forms("set_status")
        if not case.is_closed and not page.pending_closure:
            forms.update(self.forms("close"))
        return {
            "facts": facts,
            "team": list(case.team.all()),
            "organizations": list(case.organizations.all()),
            "closures": closures,
            "forms": forms,
        }

    def tab_identification(self) -> dict[str, Any]:
        page = self.page
        screenings: list[Any] = list(self.case.screenings.select_related("created_by"))
        for screening in screenings:
            screening.shown_notes = page.shown(screening.notes)
            screening.facts = [
                (_("Act"), _choice_labels(TraffickingAct, screening.acts)),
                (_("Means"), labels("vic_MethodsOfControl", screening.means)),
                (_("Purpose"), labels("vic_TypeOfExploitation", screening.purposes)),
                (
                    _("Vulnerabilities of a smuggled migrant"),
                    _choice_labels(SomVulnerability, screening.som_vulnerabilities),
                ),
            ]
        decisions: list[Any] = []
        decision: Any
        for decision in page.decisions:
            decision.shown_basis = page.shown(decision.basis)
            decision.shown_comment = page.shown(decision.approval_comment)
            if decision.approval == PENDING and page.can_approve and decision.created_by_id != page.user.pk:
                decision.review_form = self.form("decision_review", item=decision.pk)
            decisions.append(decision)
        events: list[Any] = list(self.case.events.all())
        for event in events:
            event.shown_place = page.shown(event.place)
            event.country_name = geography.country_name(event.country)
        forms = {} if self.case.is_closed else self.forms("event")
        if not self.case.is_closed and not page.pending_decision:
            forms.update(self.forms("decide"))
        return {"screenings": screenings, "decisions": decisions, "events": events, "forms": forms}

    def tab_consent(self) -> dict[str, Any]:
        current = consent_current(self.case)
        history: list[Any] = list(self.case.consents.select_related("created_by").order_by("-recorded_on", "-pk"))
        for consent in history:
            consent.service_labels = labels("spl_Type", consent.service_types) if consent.service_types else ""
        rows: list[tuple[Any, Any]] = [(label, current[purpose]) for purpose, label in Consent.Purpose.choices]
        for _label, consent in rows:
            if consent is not None:
                consent.service_labels = labels("spl_Type", consent.service_types) if consent.service_types else ""
        return {"current": rows, "history": history, "forms": self.forms("consent")}

    def tab_work(self) -> dict[str, Any]:
        page, case = self.page, self.case
        open_case = not case.is_closed and page.can_change
        assessments: list[Any] = list(case.assessments.select_related("created_by"))
        for assessment in assessments:
            assessment.shown_notes = page.shown(assessment.notes)
            assessment.need_labels = labels("spl_Type", assessment.needs)
        plan: list[Any] = list(case.plan_items.all())
        for item in plan:
            item.shown_goal = page.shown(item.goal)
            item.type_label = code_label("spl_Type", item.support_type)
            if open_case:
                item.status_form = self.form("plan_status", item=item.pk)
                if self.errors is None or item.status_form is not self.errors:
                    item.status_form.form.initial["status"] = item.status
        services: list[Any] = list(case.services.select_related("provider"))
        for service in services:
            service.shown_notes = page.shown(service.notes)
            service.type_label = code_label("spl_Type", service.support_type)
        tasks: list[Any] = list(case.tasks.select_related("assigned_to"))
        for task in tasks:
            task.shown_title = page.shown(task.title)
            if open_case and task.done_at is None:
                task.done_form = self.form("task_done", item=task.pk)
        forms = {} if case.is_closed else self.forms("assessment", "plan", "service", "task")
        return {"assessments": assessments, "plan": plan, "services": services, "tasks": tasks, "forms": forms}

    def tab_journal(self) -> dict[str, Any]:
        entries: list[Any] = list(case_journal(self.case))
        for entry in entries:
            entry.shown_text = self.page.shown(entry.text)
        return {"entries": entries, "forms": self.forms("journal")}

    def tab_attachments(self) -> dict[str, Any]:
        attachments: list[Any] = list(case_attachments(self.case))
        for attachment in attachments:
            attachment.shown_name = self.page.shown(attachment.filename)
        return {"attachments": attachments, "forms": self.forms("attachment")}

    def tab_child(self) -> dict[str, Any]:
        track: Any = self.page.track
        if track is not None:
            track.shown_guardian = self.page.shown(track.guardian_name)
        problems = child_closure_problems(self.case)
        forms = {} if self.case.is_closed or track is None else self.forms("child_notify", "child")
        return {"track": track, "problems": problems, "forms": forms}


def page_context(page: CasePage, tab: str, *, errors: ActionForm | None = None, notice: str = "") -> dict[str, Any]:
    """Everything the page, a tab partial or an action's answer renders."""
    return {
        "case": page.case,
        "page": page,
        "tab": tab,
        "tab_template": f"cases/tabs/{tab}.html",
        "notice": notice,
        **TabBuilder(page, errors).build(tab),
    }
