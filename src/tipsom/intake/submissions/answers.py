"""A submission's answers and metadata from a row of an export or an API record, whichever tool produced it.

The exports differ in their headings, not in their questions: ODK Central and Briefcase write a question inside a
group as "person-prs_FirstName" and the metadata as "meta-instanceID", "KEY", "SubmissionDate", "SubmitterName",
"ReviewState"; KoboToolbox writes "person/prs_FirstName", "meta/instanceID", "_uuid", "_submission_time",
"_submitted_by"; a JSON export or an API record, read by tipsom.intake.files, has its groups flattened to
"person/prs_FirstName" and ODK's "__id", "__system/submissionDate", "__system/reviewState". A heading is known by
its last part (the form's names are unique and hold no "-" or "/"); other headings (a select_multiple split into
one column per choice, a tool's own bookkeeping) are not read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tipsom.intake.forms_xls.questions import Question, form_questions

_SEPARATORS = re.compile(r"[-/]")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# Metadata, by what it is: the headings that carry it, in the order they are preferred.
INSTANCE_ID = ("instanceID", "KEY", "__id", "_uuid")
SUBMITTED_AT = ("SubmissionDate", "__system/submissionDate", "_submission_time")
SUBMITTER = ("SubmitterName", "__system/submitterName", "_submitted_by", "username")
REVIEW_STATE = ("ReviewState", "__system/reviewState", "_validation_status/uid")
# What a server's reviewer said that keeps a submission out: ODK Central's "rejected", Kobo's "not approved".
REJECTED_STATES = frozenset({"rejected", "validation_status_not_approved"})


def _all_questions() -> dict[str, Question]:
    top, groups = form_questions(form_id="", version="")
    questions = [*top, *(question for group in groups for question in group.questions)]
    return {question.name: question for question in questions}


QUESTIONS: dict[str, Question] = _all_questions()
GROUPS = frozenset(group.name for group in form_questions(form_id="", version="")[1])


def heading_name(heading: str) -> str:
    """The question (or metadata) a heading is about: its last part ("person-prs_FirstName" -> "prs_FirstName")."""
    if heading.startswith(("__system", "_validation_status")):
        return heading.replace("-", "/")
    return _SEPARATORS.split(heading)[-1]


@dataclass
class Columns:
    """Which heading of the file holds each question and each piece of metadata."""

    by_name: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, headers: list[str]) -> Columns:
        columns = cls()
        for heading in headers:
            name = heading_name(heading)
            if name in QUESTIONS or name in (*INSTANCE_ID, *SUBMITTED_AT, *SUBMITTER, *REVIEW_STATE):
                columns.by_name.setdefault(name, heading)
        return columns

    def heading(self, name: str) -> str:
        """The file's heading for a question: what an error names (the question's name when the file lacks it)."""
        return self.by_name.get(name, name)

    def first(self, row: Mapping[str, str], names: tuple[str, ...]) -> str:
        for name in names:
            heading = self.by_name.get(name)
            if heading is not None and row.get(heading, "").strip():
                return row[heading].strip()
        return ""

    def answers(self, row: Mapping[str, str]) -> dict[str, str]:
        """The answers of one row, by question name (empty answers left out)."""
        values = {}
        for name, heading in self.by_name.items():
            if name in QUESTIONS:
                value = row.get(heading, "")
                value = value.strip() if isinstance(value, str) else str(value)
                if value:
                    values[name] = value
        return values


def instance_id_of(value: str) -> str:
    """ODK's instance id as Collect writes it ("uuid:..."); Kobo's `_uuid` is the same uuid without the prefix."""
    value = value.strip()
    if _UUID.fullmatch(value):
        return f"uuid:{value.lower()}"
    if value.lower().startswith("uuid:") and _UUID.fullmatch(value[5:]):
        return f"uuid:{value[5:].lower()}"
    return value


def submitted_at_of(value: str) -> datetime | None:
    """When the server received the submission (an ISO 8601 time; one without a zone is UTC, as Kobo writes it)."""
    try:
        moment = parse_datetime(value.strip().replace(" ", "T", 1)) if value else None
    except ValueError:
        return None
    if moment is None:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)
