"""`tipsom audit verify`: walk the hash chain and name the first broken link (exit 1 when there is one)."""

from typing import Any

from django.core.management.base import CommandParser

from tipsom.audit.selectors import audit_chain_verify
from tipsom.core.management.base import TipsomCommand


class Command(TipsomCommand):
    help = "Audit log tools. `verify` checks that no event was changed, removed or reordered."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="Verify the hash chain of the audit log.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if report.intact:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events verified."))
            return
        self.stderr.write(
            self.style.ERROR(
                f"Audit chain BROKEN at event #{report.broken_sequence}: {report.problem}. "
                f"{report.checked} events before it verified."
            )
        )
        raise SystemExit(1)
