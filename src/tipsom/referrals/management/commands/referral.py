"""`tipsom referral keys|peer-add|export-bundle|import-bundle|tick`: transnational referral bundles from the
server's shell, and the scheduled job that expires unanswered referrals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from tipsom.core.management.base import TipsomCommand
from tipsom.organizations.geography import country_name
from tipsom.referrals.bundles import MAX_BUNDLE_BYTES
from tipsom.referrals.services import referrals_expire_due
from tipsom.referrals.services.bundle import (
    exchange_key_create,
    exchange_peer_add,
    exchange_public_keys,
    referral_bundle_export,
    referral_bundle_import,
)

PEER_FIELDS = ("country", "name", "signing_public", "encryption_public")


class Command(TipsomCommand):
    help = "Transnational referrals: exchange keys, partner countries, bundles; `tick` expires late referrals."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        keys = sub.add_parser("keys", help="Print this country's public exchange keys (JSON) to share.")
        keys.add_argument("--country", required=True, help="ISO 3166-1 alpha-2 of a country served here.")
        keys.add_argument("--create", action="store_true", help="Create the keys first (never replaces keys).")
        peer = sub.add_parser("peer-add", help="Add a partner country's public keys.")
        peer.add_argument("--file", help="The JSON another tipsom printed with `tipsom referral keys`.")
        peer.add_argument("--country")
        peer.add_argument("--name")
        peer.add_argument("--signing-public")
        peer.add_argument("--encryption-public")
        export = sub.add_parser("export-bundle", help="Write the bundle of a referral abroad to a file.")
        export.add_argument("referral_id", type=int)
        export.add_argument("--to", required=True, help="The receiving country (the referral's).")
        export.add_argument("--user", required=True, help="The sender's username.")
        export.add_argument("--out", required=True, help="The file to write.")
        export.add_argument("--valid-days", type=int, default=14)
        imported = sub.add_parser("import-bundle", help="Import a bundle from another country's tipsom.")
        imported.add_argument("file")
        imported.add_argument(
            "--user", required=True, help="The username of the importer; their organization receives the referral."
        )
        sub.add_parser("tick", help="Expire referrals nobody answered in time and flag overdue ones.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["subcommand"].replace("-", "_"))(options)

    def _user(self, username: str) -> Any:
        user = get_user_model().objects.select_related("organization").filter(username=username, is_active=True)
        found = user.first()
        if found is None:
            raise CommandError(f"No active user {username!r}.")
        return found

    def _keys(self, options: dict[str, Any]) -> None:
        country = options["country"].upper()
        if options["create"]:
            exchange_key_create(actor=None, country=country)
        keys = exchange_public_keys(country)
        self.stdout.write(json.dumps({"name": country_name(country), **keys}, indent=2, ensure_ascii=False))

    def _peer_add(self, options: dict[str, Any]) -> None:
        if options["file"]:
            try:
                data = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise CommandError(f"Cannot read the keys file: {exc}") from exc
            if not isinstance(data, dict):
                raise CommandError("The keys file is not a JSON object.")
        else:
            data = {field: options[field] for field in PEER_FIELDS}
        missing = [field for field in PEER_FIELDS if not data.get(field)]
        if missing:
            raise CommandError(f"Missing: {', '.join(missing)}.")
        peer = exchange_peer_add(actor=None, **{field: str(data[field]) for field in PEER_FIELDS})
        self.stdout.write(self.style.SUCCESS(f"Added {peer.name} ({peer.country})."))

    def _export_bundle(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        out = Path(options["out"])
        with transaction.atomic():  # a file that cannot be written records no export
            content = referral_bundle_export(
                actor=user, referral_id=options["referral_id"], valid_days=options["valid_days"], to=options["to"]
            )
            try:
                out.write_bytes(content)
            except OSError as exc:
                raise CommandError(f"Cannot write {out}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote the bundle of referral {options['referral_id']} to {out}."))

    def _import_bundle(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_BUNDLE_BYTES:
                raise CommandError(f"{path} is larger than a referral bundle can be.")
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        referral = referral_bundle_import(actor=user, content=content)
        self.stdout.write(
            self.style.SUCCESS(f"Imported referral {referral.pk} from {referral.partner_country} for {user.username}.")
        )

    def _tick(self, options: dict[str, Any]) -> None:
        counts = referrals_expire_due()
        self.stdout.write(f"expired: {counts['expired']}\noverdue: {counts['overdue']}")
