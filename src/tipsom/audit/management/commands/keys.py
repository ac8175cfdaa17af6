"""`tipsom keys init|status|rotate`: the encryption keyring (kept outside the database)."""

from typing import Any

from django.core.management.base import CommandError, CommandParser

from tipsom.audit.keys import keys_reencrypt, keys_rotate
from tipsom.core import crypto
from tipsom.core.management.base import TipsomCommand


class Command(TipsomCommand):
    help = "Encryption keys: create the keyring, show its state, rotate the active key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("init", help="Create the keyring file if there is none (never overwrites one).")
        sub.add_parser("status", help="Show the keyring's source, key ids and the active key.")
        rotate = sub.add_parser("rotate", help="Add a new active key and re-encrypt every value under it.")
        rotate.add_argument(
            "--reencrypt-only",
            action="store_true",
            help="Do not add a key; re-encrypt under the current active key (after a secret store change).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "init":
                keyring, created = crypto.keyring_init()
                verb = "Created" if created else "Found"
                self.stdout.write(f"{verb} keyring at {keyring.source} (active key {keyring.active}).")
            elif options["subcommand"] == "status":
                keyring = crypto.get_keyring(reload=True)
                self.stdout.write(
                    f"source: {keyring.source}\nactive: {keyring.active}\nkeys: {', '.join(keyring.keys)}"
                )
            else:
                report = keys_reencrypt() if options["reencrypt_only"] else keys_rotate()
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Active key {report.active_key}: re-encrypted {report.values} values in {report.rows} rows."
                    )
                )
        except crypto.KeyringError as exc:
            raise CommandError(str(exc)) from exc
