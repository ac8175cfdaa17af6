"""`tipsom intake <subcommand>`: imports from the server's shell.

    tipsom intake import FILE [--source NAME] [--organization ID|CODE] [--user USERNAME] [--mode all|valid]
                              [--dry-run] [--sheet NAME] [--map field=column ...] [--background]
    tipsom intake resume JOB_ID [--background]
    tipsom intake xlsform [--country CC] [--language LL] [--output FILE]
    tipsom intake pull [--server odk|kobo] [--organization ID|CODE] [--user USERNAME] [--all]

`import` recognises an export of the field form (ODK Central, Briefcase, KoboToolbox: its tipsom_FormId column)
and imports it as field submissions waiting for review.

A subcommand is one function registered with `@subcommand(name, help, arguments)`: `arguments(parser)` adds its
options, the function runs it with the command and the parsed options. Add one by writing such a function here.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from tipsom.core.management.base import Subcommands, SubcommandsCommand, TipsomCommand

subcommand = Subcommands("intake")


class Command(SubcommandsCommand):
    help = "Imports from the server's shell (`tipsom intake <subcommand> --help` for each)."
    subcommands = subcommand


# --- import, resume ----------------------------------------------------------------------------------------------
class ProgressLine:
    """One line, redrawn on a terminal; a line per tenth of the way otherwise (a log file)."""

    def __init__(self, command: TipsomCommand) -> None:
        self.command = command
        self.tty = bool(getattr(command.stderr, "isatty", lambda: False)())
        self.started = time.monotonic()
        self.last = -1

    def __call__(self, job: Any) -> None:
        total, done = job.total_rows or 0, job.done_rows or 0
        fraction = min(1.0, done / total) if total else 0.0
        counts = job.counts or {}
        seconds = time.monotonic() - self.started
        text = (
            f"import {job.pk} {job.step:<10} {done}/{total} ({fraction:4.0%}) "
            f"imported {counts.get('imported', 0)} failed {counts.get('failed', 0)} "
            f"skipped {counts.get('skipped', 0)}  {seconds:6.1f}s"
        )
        if self.tty:
            self.command.stderr.write("\r" + text, ending="")
            self.command.stderr.flush()
        elif int(fraction * 10) != self.last:
            self.last = int(fraction * 10)
            self.command.stderr.write(text)

    def close(self) -> None:
        if self.tty:
            self.command.stderr.write("")


def _user(username: str | None) -> Any:
    from tipsom.accounts.models import User

    if not username:
        raise CommandError("Give --user: the imported records are registered by, and owned by, that user.")
    user = User.objects.select_related("organization").filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user {username!r}.")
    return user


def _organization(value: str | None, user: Any) -> Any:
    from tipsom.organizations.models import Organization

    if not value:
        if user.organization is None:
            raise CommandError("The user belongs to no organization: give --organization.")
        return user.organization
    found = Organization.objects.filter(pk=int(value)).first() if value.isdigit() else None
    found = found or Organization.objects.filter(code=value).first()
    if found is None:
        raise CommandError(f"No organization {value!r} (give its id or code).")
    return found


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _mapping_pairs(values: list[str]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values or []:
        field, sep, column = value.partition("=")
        if not sep or not field.strip():
            raise CommandError(f"--map takes field=column, not {value!r}.")
        pairs[field.strip()] = column.strip()
    return pairs


def _value_triples(values: list[str]) -> list[tuple[str, str, str]]:
    triples = []
    for text in values:
        field, colon, rest = text.partition(":")
        value, equals, code = rest.partition("=")
        if not colon or not equals or not field.strip():
            raise CommandError(f"--value takes field:value=code, not {text!r}.")
        triples.append((field.strip(), value.strip(), code.strip()))
    return triples


def _import_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", type=Path, help="The CSV, XLSX or JSON file to import.")
    parser.add_argument("--source", default="", help="The register's name (created if new); default: the file's name.")
    parser.add_argument("--organization", help="The organization (id or code); default: the user's.")
    parser.add_argument("--user", help="The user who registers the imported cases (and owns them).")
    parser.add_argument(
        "--mode", choices=["all", "valid"], default="valid", help="all: all rows or none; valid: valid rows."
    )
    parser.add_argument("--dry-run", action="store_true", help="Check every row and report; create nothing.")
    parser.add_argument("--sheet", default="", help="The XLSX sheet to read (default: the first).")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="Map a tipsom field to a column heading (saved on the source); repeat for each field.",
    )
    parser.add_argument(
        "--value",
        action="append",
        default=[],
        metavar="FIELD:VALUE=CODE",
        help="A value of the file that stands for a code (saved on the source), e.g. gender:F=Feminine; repeat.",
    )
    parser.add_argument("--background", action="store_true", help="Hand the import to the background worker.")
    parser.add_argument("--batch-rows", type=int, default=0, help="Rows per transaction (default 200).")


@subcommand(
    "import",
    "Import a legacy register of past cases (resumes an unfinished import of the same file).",
    _import_arguments,
)
def import_file(command: TipsomCommand, options: dict[str, Any]) -> None:
    from tipsom.intake import jobs, selectors
    from tipsom.intake.files import open_table
    from tipsom.intake.models import ImportJob, RegisterSource
    from tipsom.intake.registers import mapping_problems, propose_mapping
    from tipsom.intake.services import source_create, source_mapping_set

    path: Path = options["file"]
    if not path.is_file():
        raise CommandError(f"No file {path}.")
    user = _user(options["user"])
    organization = _organization(options["organization"], user)
    if is_submissions_export(path, options["sheet"]):  # an export of the field form: its own import
        return import_submissions(command, options, path, user, organization)
    name = options["source"] or path.stem
    mode = ImportJob.Mode.ALL_OR_NOTHING if options["mode"] == "all" else ImportJob.Mode.VALID_ONLY
    source = RegisterSource.objects.filter(owner_organization=organization, name=name).first()
    if source is None:
        source = source_create(actor=user, organization=organization, name=name)
        command.stdout.write(f"Register source {source.name!r} created.")
    mapping = {**(source.column_mapping or {}), **_mapping_pairs(options["map"])}
    table = open_table(path, file_name=path.name, sheet=options["sheet"] or None)
    if mapping_problems(mapping, source.value_mappings or {}, table.headers):
        proposed = propose_mapping(table.headers)
        mapping = {**proposed, **mapping}
        command.stdout.write("Proposed mapping: " + ", ".join(f"{k}={v}" for k, v in proposed.items()))
    values = {field: dict(pairs) for field, pairs in (source.value_mappings or {}).items()}
    for field, value, code in _value_triples(options.get("value") or []):
        values.setdefault(field, {})[value] = code
    source = source_mapping_set(actor=user, source_id=source.pk, column_mapping=mapping, value_mappings=values)
    unfinished = selectors.unfinished_job_of(
        organization_id=organization.pk,
        source_id=source.pk,
        sha256=_file_sha256(path),
        mode=mode,
        dry_run=options["dry_run"],
    )
    background = options["background"]
    if unfinished is not None:
        command.stdout.write(f"Resuming import {unfinished.pk} of this file ({unfinished.done_rows} rows done before).")
        job = (
            jobs.job_resume(actor=user, job_id=unfinished.pk, background=background)
            if unfinished.task_id
            else jobs.job_start(actor=user, job_id=unfinished.pk, background=background)
        )
    else:
        job = jobs.job_create(
            actor=user,
            organization=organization,
            kind=ImportJob.Kind.REGISTER,
            stream=path,
            file_name=path.name,
            source=source,
            mode=mode,
            dry_run=options["dry_run"],
            sheet=options["sheet"],
        )
        command.stdout.write(f"Import {job.pk}: {job.file_format} {job.encoding} {job.file_size} bytes.")
        job = jobs.job_start(actor=user, job_id=job.pk, background=background)
    _run_or_report(command, job, background, options.get("batch_rows") or 0)


def _run_or_report(command: TipsomCommand, job: Any, background: bool, batch_rows: int = 0) -> None:
    from tipsom.intake import jobs

    if background:
        command.stdout.write(f"Import {job.pk} handed to the background worker (task {job.task_id}).")
        return
    bar = ProgressLine(command)
    try:
        job = jobs.job_run(job.pk, run_id=job.task_id, progress=bar, batch_rows=batch_rows or jobs.BATCH_ROWS)
    finally:
        bar.close()
    counts = job.counts or {}
    summary = ", ".join(f"{key} {counts.get(key, 0)}" for key in ("imported", "valid", "failed", "skipped"))
    if job.status == job.Status.DONE:
        command.stdout.write(command.style.SUCCESS(f"Import {job.pk} done: {summary}."))
    else:
        raise CommandError(f"Import {job.pk} {job.status}: {job.error} ({summary}).")


def _resume_arguments(parser: CommandParser) -> None:
    parser.add_argument("job", type=int, help="The import's number.")
    parser.add_argument("--background", action="store_true", help="Hand it to the background worker.")


@subcommand(
    "resume", "Resume an unfinished import (its process was killed): each row is imported once.", _resume_arguments
)
def resume(command: TipsomCommand, options: dict[str, Any]) -> None:
    from tipsom.intake import jobs

    job = jobs.job_resume(actor=None, job_id=options["job"], background=options["background"])
    _run_or_report(command, job, options["background"])


# --- Field submissions: the form, an export, a pull ----------------------------------------------------------------
def is_submissions_export(path: Path, sheet: str = "") -> bool:
    """Whether the file is an export of tipsom's field form (it has the form's tipsom_FormId column)."""
    from tipsom.intake.files import open_table
    from tipsom.intake.submissions.answers import heading_name

    table = open_table(path, file_name=path.name, sheet=sheet or None)
    return any(heading_name(heading) == "tipsom_FormId" for heading in table.headers)


def import_submissions(
    command: TipsomCommand, options: dict[str, Any], path: Path, user: Any, organization: Any
) -> None:
    from tipsom.intake import jobs
    from tipsom.intake.models import ImportJob

    job = jobs.job_create(
        actor=user,
        organization=organization,
        kind=ImportJob.Kind.SUBMISSIONS,
        stream=path,
        file_name=path.name,
        mode=ImportJob.Mode.ALL_OR_NOTHING if options["mode"] == "all" else ImportJob.Mode.VALID_ONLY,
        dry_run=options["dry_run"],
        sheet=options["sheet"],
    )
    command.stdout.write(f"Import {job.pk} of field submissions: {job.file_format} {job.file_size} bytes.")
    job = jobs.job_start(actor=user, job_id=job.pk, background=options["background"])
    _run_or_report(command, job, options["background"])


def _country(value: str | None) -> str:
    from tipsom.organizations.models import Organization

    if value:
        return value.upper()
    countries = sorted(set(Organization.objects.values_list("country", flat=True)))
    if len(countries) != 1:
        raise CommandError(f"Give --country: this deployment serves {', '.join(countries) or 'no country yet'}.")
    return countries[0]


def _xlsform_arguments(parser: CommandParser) -> None:
    parser.add_argument("--country", help="ISO 3166-1 alpha-2; default: the one country this deployment serves.")
    parser.add_argument("--language", help="The form's default language (default: settings.LANGUAGE_CODE).")
    parser.add_argument("--output", type=Path, help="Where to write the XLSForm (default: <form id>-<version>.xlsx).")


@subcommand(
    "xlsform",
    "Publish the identification form for ODK Collect and KoboToolbox (XLSForm, encrypted to the deployment's key).",
    _xlsform_arguments,
)
def xlsform(command: TipsomCommand, options: dict[str, Any]) -> None:
    from tipsom.core.crypto import KeyringError
    from tipsom.core.errors import ApplicationError
    from tipsom.intake.submissions.services import field_form_publish

    try:
        published = field_form_publish(
            actor=None, country=_country(options["country"]), language=options["language"] or None
        )
    except (ApplicationError, KeyringError) as error:
        raise CommandError(str(getattr(error, "message", error))) from error
    form = published.form
    if published.new_key:
        command.stdout.write("Created the field form key (the private half stays on this server, 0600).")
    output: Path = options["output"] or Path(f"{form.form_id}-{form.version}.xlsx")
    output.write_bytes(bytes(form.xlsx))
    verb = "Published" if published.new_version else "Unchanged:"
    command.stdout.write(
        command.style.SUCCESS(
            f"{verb} {form.form_id} version {form.version} (key {form.key_fingerprint[:16]}): {output}"
        )
    )


def _pull_arguments(parser: CommandParser) -> None:
    parser.add_argument("--server", choices=["odk", "kobo"], help="Default: every server configured.")
    parser.add_argument(
        "--organization", help="The organization (id or code) the submissions go to; default: the user's."
    )
    parser.add_argument("--user", help="The user the submissions are imported as (an identifier of the organization).")
    parser.add_argument("--all", action="store_true", help="Fetch every submission, not only the new ones.")


@subcommand("pull", "Fetch the new field submissions from ODK Central or KoboToolbox and import them.", _pull_arguments)
def pull(command: TipsomCommand, options: dict[str, Any]) -> None:
    from tipsom.core.errors import ApplicationError
    from tipsom.intake.pull import configured_servers, submissions_pull

    user = _user(options["user"])
    organization = _organization(options["organization"], user)
    servers = [options["server"]] if options["server"] else configured_servers()
    if not servers:
        raise CommandError("No ODK Central or KoboToolbox server is configured (TIPSOM_ODK_*, TIPSOM_KOBO_*).")
    for server in servers:
        try:
            report = submissions_pull(server=server, organization=organization, created_by=user, full=options["all"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        for problem in report.errors:
            command.stderr.write(f"{server}: not imported: {problem}")
        job = report.job
        counts = (job.counts or {}) if job is not None else {}
        command.stdout.write(
            command.style.SUCCESS(
                f"{server}: {report.fetched} listed, {report.new} new"
                + (
                    f"; import {job.pk}: imported {counts.get('imported', 0)}, failed {counts.get('failed', 0)}, "
                    f"skipped {counts.get('skipped', 0)}"
                    if job is not None
                    else ""
                )
                + "."
            )
        )
