"""`tipsom createuser`: create a user from the server's shell (audited as a command)."""

import getpass
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from tipsom.accounts.models import Role
from tipsom.accounts.services import user_create
from tipsom.core.management.base import TipsomCommand
from tipsom.organizations.models import Organization


class Command(TipsomCommand):
    help = "Create a user. The password is asked for, or read from standard input with --password-stdin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--organization", required=True, help="The organization's code.")
        parser.add_argument("--role", action="append", default=[], help="A role code; repeat for several.")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="Read the password from standard input.")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(code=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organization with code {options['organization']!r}.")
        roles = list(Role.objects.filter(slug__in=options["role"]))
        missing = sorted(set(options["role"]) - {role.slug for role in roles})
        if missing:
            known = ", ".join(Role.objects.values_list("slug", flat=True))
            raise CommandError(f"Unknown role(s): {', '.join(missing)}. Known roles: {known}.")
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        user = user_create(
            actor=None,
            username=options["username"],
            full_name=options["full_name"],
            password=password,
            organization=organization,
            roles=roles,
            email=options["email"],
        )
        self.stdout.write(self.style.SUCCESS(f"Created user {user.username} in {organization.name}."))
