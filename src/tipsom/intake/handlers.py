"""The row handler protocol of the import engine (tipsom.intake.jobs) and its registry: what turns one row of an
imported file into a record. The engine reads the file, keeps each row's outcome (ImportRow) and the job's progress,
commits chunk by chunk and resumes; a handler knows the rows of one kind of import (ImportJob.Kind).

A handler is registered per kind as a factory (its class): the engine makes one handler per run, so `prepare` may
keep on `self` what it learned from the headings (the columns it reads) for the calls that follow.

    from tipsom.intake.handlers import RowHandlerBase, register_handler

    class SubmissionHandler(RowHandlerBase):
        def prepare(self, job, headers): ...            # raise ApplicationError: wrong columns, wrong form
        def fingerprint(self, job, row): ...            # a keyed hash of what identifies the row (blind_index)
        def already_imported(self, job, fingerprint): ...
        def validate(self, job, row): ...               # (cleaned, [RowError, ...]); cleaned is the handler's own
        def write(self, *, actor, job, cleaned): ...    # {"submission": Submission} or {"case": Case}

    register_handler(ImportJob.Kind.SUBMISSIONS, SubmissionHandler)   # from IntakeConfig.ready()

Calls, in order, for one run: `prepare(job, headers)` once; then for each chunk of rows not done yet (ImportRow has
no line for them): `fingerprint` of each row, `already_imported_many(job, fingerprints)` (a row found there is
SKIPPED), `validate` of the others, and, unless the job is a dry run, `write_many(actor=..., job=..., cleaned=[...])`
with the valid rows of the chunk, inside the engine's transaction (which also writes the rows' ImportRow lines and
the job's progress: a handler never commits). `RowHandlerBase` gives the batch methods from the one-row ones; a
handler that can do better (one query, bulk inserts) overrides them.

Rows are `dict[str, str]`: heading -> cell text, as tipsom.intake.files reads them (a formula is text).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

if TYPE_CHECKING:
    from tipsom.accounts.models import User
    from tipsom.intake.models import ImportJob


class _RowErrorRequired(TypedDict):
    column: str  # the heading of the column at fault, "" for the row as a whole
    code: str  # stable, for machines: "required", "unknown_code", "future_date", "invalid", ...
    message: str  # the reason, in words; never an identifying value of the row


class RowError(_RowErrorRequired, total=False):
    # The offending value, sealed (tipsom.intake.handlers.seal_value): shown to the user beside the message, never
    # stored in clear (a name put in a code column by a wrong mapping would otherwise be plaintext in the database).
    value: str
    accepted: list[str]  # for an unknown code: the codes the column accepts (codes are not identifying)


class RowHandler(Protocol):
    """What the engine asks of a handler (see the module's docstring for the order of the calls)."""

    def prepare(self, job: ImportJob, headers: list[str]) -> None:
        """Check the file's headings against what the job needs; ApplicationError when it cannot be imported (a
        column the mapping names is missing, the export is of another form). Runs before any row is read."""
        ...

    def fingerprint(self, job: ImportJob, row: dict[str, str]) -> str:
        """A keyed hash (tipsom.core.crypto.blind_index) of the row's normalised values: the same register row
        has the same fingerprint in a later file. "" when the row has none (never skipped as a duplicate)."""
        ...

    def already_imported(self, job: ImportJob, fingerprint: str) -> bool:
        """Whether a row with this fingerprint was imported before (by this job's earlier chunks or another job)."""
        ...

    def validate(self, job: ImportJob, row: dict[str, str]) -> tuple[Any, list[RowError]]:
        """(what `write` takes, the row's errors); the row is imported only without errors. Uses the ordinary
        services' validation (never a copy of their rules) and names each error's column by its heading."""
        ...

    def write(self, *, actor: User | None, job: ImportJob, cleaned: Any) -> dict[str, Any]:
        """Create the record(s) of one valid row through the ordinary services; {"case": Case} or
        {"submission": Submission}: the engine links the row's ImportRow to it."""
        ...


class RowHandlerBase:
    """Batch methods from the one-row ones; a handler overrides them when it can do a chunk at once."""

    def already_imported(self, job: ImportJob, fingerprint: str) -> bool:
        return False

    def already_imported_many(self, job: ImportJob, fingerprints: Sequence[str]) -> set[str]:
        return {fingerprint for fingerprint in fingerprints if fingerprint and self.already_imported(job, fingerprint)}

    def write(self, *, actor: User | None, job: ImportJob, cleaned: Any) -> dict[str, Any]:
        raise NotImplementedError

    def write_many(self, *, actor: User | None, job: ImportJob, cleaned: Sequence[Any]) -> list[dict[str, Any]]:
        """One result per cleaned row, in order. Raise ApplicationError naming the row's position in
        `extra["index"]` when one row is refused: the engine then writes the chunk row by row to find it."""
        return [self.write(actor=actor, job=job, cleaned=item) for item in cleaned]


HandlerFactory = Callable[[], RowHandler]
HANDLERS: dict[str, HandlerFactory] = {}


def register_handler(kind: str, factory: HandlerFactory) -> None:
    """Register the handler of one ImportJob.Kind (its class, or any function making one); once per kind."""
    if kind in HANDLERS:
        raise ValueError(f"A row handler is already registered for {kind!r}")
    HANDLERS[kind] = factory


def handler_for(kind: str) -> RowHandler:
    """A fresh handler for one run of a job of `kind`."""
    try:
        factory = HANDLERS[kind]
    except KeyError:
        raise LookupError(f"No row handler is registered for {kind!r}; registered: {', '.join(HANDLERS)}") from None
    return factory()


VALUE_CONTEXT = "intake_importrow.errors.value"


def seal_value(value: str) -> str:
    """An offending value as kept in a RowError: encrypted (its own context), never in clear."""
    from tipsom.core.crypto import encrypt

    return encrypt(value[:200], context=VALUE_CONTEXT)


def open_value(sealed: str) -> str:
    """The value a RowError names, or "" when there is none or it cannot be read (a rotated-out key)."""
    from tipsom.core.crypto import DecryptionError, decrypt

    if not sealed:
        return ""
    try:
        return decrypt(sealed, context=VALUE_CONTEXT)
    except (DecryptionError, ValueError):
        return ""
