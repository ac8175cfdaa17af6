"""`tipsom createorganization`: register an organization from the server's shell (for the first one, say)."""

from typing import Any

from django.core.management.base import CommandParser

from tipsom.core.management.base import TipsomCommand
from tipsom.organizations.models import OrganizationFunction, OrganizationType
from tipsom.organizations.services import organization_create


class Command(TipsomCommand):
    help = "Register an organization (HTCDS type, ISO 3166 country and region). Audited as a command."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--type", required=True, help="One of: " + ", ".join(OrganizationType.values))
        parser.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, such as BR.")
        parser.add_argument("--region", default="", help="ISO 3166-2, such as BR-MT.")
        parser.add_argument("--code", default="", help="A short stable code; made from the name if omitted.")
        parser.add_argument(
            "--function", action="append", default=[], help="Repeatable: " + ", ".join(OrganizationFunction.values)
        )
        parser.add_argument("--city", default="")
        parser.add_argument("--phone", default="", help="E.164, such as +556533221100.")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = organization_create(
            actor=None,
            code=options["code"],
            name=options["name"],
            type=options["type"],
            country=options["country"],
            region=options["region"],
            functions=options["function"],
            city=options["city"],
            phone=options["phone"],
            email=options["email"],
        )
        self.stdout.write(self.style.SUCCESS(f"Registered {organization.name} with code {organization.code}."))
