"""`tipsom audit verify` and `tipsom audit chain`: check the audit log, and chain and sign what was appended."""

from datetime import timedelta
from typing import Any

from django.core.management.base import CommandParser

from tipsom.audit.selectors import ChainReport, audit_chain_verify
from tipsom.audit.services import audit_chain_link
from tipsom.core.management.base import TipsomCommand

EXIT_BROKEN = 1
EXIT_LAGGING = 2


def _age(age: timedelta | None) -> str:
    if age is None:
        return "-"
    seconds = int(age.total_seconds())
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m{seconds % 60:02d}s" if seconds >= 3600 else f"{seconds}s"


class Command(TipsomCommand):
    help = (
        "Audit log tools. `chain` links the appended events into the hash chain and signs its head (schedule it "
        "every minute). `verify` checks that no chained event was changed, removed or reordered, that the signed "
        "heads hold, and how long events wait to be chained (exit 1: broken; exit 2: the linker lags)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Verify the hash chain, its signed heads and the unchained window.")
        verify.add_argument(
            "--no-link", action="store_true", help="Only check: do not chain the waiting events afterwards."
        )
        sub.add_parser("chain", help="Chain the appended events and sign the chain's head.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "chain":
            self._chain()
            return
        report = audit_chain_verify()
        code = self._report(report)
        if not options["no_link"] and report.intact:
            self._chain()  # after the check, so the check saw the log as the scheduled linker left it
        if code:
            raise SystemExit(code)

    def _chain(self) -> None:
        result = audit_chain_link()
        signed = f"; head #{result.position} signed" if result.head else ""
        self.stdout.write(
            f"Chained {result.linked} events (chain length {result.position}{signed}); "
            f"{result.waiting} left waiting for an earlier id or a later run."
        )

    def _report(self, report: ChainReport) -> int:
        waiting = (
            f"{report.pending} events not chained yet, the oldest {_age(report.pending_age)} old"
            if report.pending
            else "no events waiting to be chained"
        )
        head = (
            f"newest signed head {_age(report.head_age)} old" if report.head_age is not None else "no signed head yet"
        )
        window = f"{waiting}; {head} (limit {_age(report.max_lag)})."
        if not report.intact:
            self.stderr.write(
                self.style.ERROR(
                    f"Audit chain BROKEN at event #{report.broken_sequence}: {report.problem}. "
                    f"{report.checked} events before it verified."
                )
            )
            self.stderr.write(window)
            return EXIT_BROKEN
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked} events verified against {report.heads} signed heads."
            )
        )
        if report.lagging:
            self.stderr.write(
                self.style.ERROR(f"The chain lags: {window} Is `tipsom audit chain` scheduled every minute?")
            )
            return EXIT_LAGGING
        self.stdout.write(window)
        return 0
