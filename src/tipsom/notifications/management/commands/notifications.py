"""`tipsom notifications digest`: email each user their overdue referrals and tasks (run once a day, by cron
or a systemd timer)."""

from typing import Any

from django.core.management.base import CommandParser

from tipsom.core.management.base import TipsomCommand
from tipsom.notifications.services import digest_send


class Command(TipsomCommand):
    help = "Notification tools. `digest` emails the daily digest of overdue referrals and tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("digest", help="Email every user with overdue referrals or tasks one digest.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "digest":
            sent = digest_send()
            self.stdout.write(self.style.SUCCESS(f"Digest sent: {sent} emails."))
