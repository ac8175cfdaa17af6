"""`tipsom demo [--seed N] [--cases-per-country N]`: load the synthetic organizations and users of the 13 GLO.ACT
countries, then every app's demo data through its registered seeder (victim cases, referrals); idempotent."""

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from tipsom.accounts.models import Role
from tipsom.core import crypto
from tipsom.core.management.base import TipsomCommand
from tipsom.demo.services import DEFAULT_SEED, DemoReport, demo_config, demo_load, demo_plan

SHOWCASE_COUNTRY = "BR"


class Command(TipsomCommand):
    help = (
        "Load demo organizations, users and about 2,000 synthetic victim cases for the 13 GLO.ACT countries. "
        "Safe to run again: creates nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Seed for names and phone numbers.")
        parser.add_argument(
            "--cases-per-country",
            type=int,
            default=None,
            help="Load this many demo cases in every country (0 for none) instead of the configured ~2,000 in all.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            crypto.keyring_init()  # identifying values are encrypted: the keys must exist before the first row
        except crypto.KeyringError as exc:
            raise CommandError(str(exc)) from exc
        # The demo's referrals notify their receivers; those notifications stay in the in-app inboxes, so
        # the load does not print hundreds of emails to the console.
        email_backend = settings.EMAIL_BACKEND
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        try:
            report = demo_load(seed=options["seed"], cases_per_country=options["cases_per_country"])
        finally:
            settings.EMAIL_BACKEND = email_backend
        self._summary(report)
        self._logins(report)

    def _summary(self, report: DemoReport) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data (seed {report.seed}): organizations {report.organizations_created} created, "
                f"{report.organizations_existing} already there; users {report.users_created} created, "
                f"{report.users_existing} already there."
            )
        )
        for seeded in report.seeded.values():  # each app's demo data, as its seeder sums it up
            self.stdout.write(seeded.summary)

    def _logins(self, report: DemoReport) -> None:
        plan = demo_plan(seed=report.seed)
        names = {spec.code: spec.name for spec in plan.organizations}
        role_names = dict(Role.objects.values_list("slug", "name"))
        prefix = SHOWCASE_COUNTRY.lower() + "."
        rows = [
            (spec.username, str(role_names.get(spec.role, spec.role)), names[spec.organization_code])
            for spec in plan.users
            if spec.username.startswith(prefix)
        ]
        widths = [max(len(row[i]) for row in [("username", "role", "organization"), *rows]) for i in range(2)]
        self.stdout.write("\nDemo logins for Brazil:\n")
        self.stdout.write(f"  {'username':<{widths[0]}}  {'role':<{widths[1]}}  organization")
        for username, role, organization in rows:
            self.stdout.write(f"  {username:<{widths[0]}}  {role:<{widths[1]}}  {organization}")
        codes = ", ".join(c["code"].lower() for c in demo_config()["countries"] if c["code"] != SHOWCASE_COUNTRY)
        self.stdout.write(
            f"\nThe other 12 countries have the same logins with their own prefix ({codes}),\n"
            "e.g. co.shelter.case, eg.auditor, ua.coordinator. The supervisors (br.supervisor, br.ngo.supervisor)\n"
            "approve the pending 'Actual victim' decisions and closures of their organization's cases."
        )
        self.stdout.write(f"Password for every demo user: {report.password}")
        if settings.TIPSOM_REQUIRE_2FA:
            self.stdout.write(
                "Two-factor authentication is ON: roles that may reveal identifying data enrol an authenticator "
                "app at first sign-in."
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    "Two-factor authentication is OFF (TIPSOM_REQUIRE_2FA=false, as `make demo` sets it). "
                    "It must stay on in production."
                )
            )
