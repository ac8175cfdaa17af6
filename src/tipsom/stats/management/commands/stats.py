"""tipsom stats rebuild | refresh | check: the statistical facts, built again, brought up to date, or proven to agree
with their sources (check exits non-zero when they do not)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from tipsom.core.management.base import TipsomCommand


class Command(TipsomCommand):
    help = "Build the statistical facts again (rebuild), bring them up to date (refresh) or check them (check)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="rebuild|refresh|check")
        for name, text in (
            ("rebuild", "Build every fact again from its sources."),
            ("refresh", "Apply the changes recorded since the last refresh."),
            ("check", "Compare every fact with what its sources give; exit 1 on any difference."),
        ):
            sub = actions.add_parser(name, help=text, description=text)
            sub.add_argument("--kind", action="append", help="Only this kind of fact (victims, justice, ...).")

    def handle(self, *args: Any, **options: Any) -> None:
        from tipsom.stats.facts import engine

        try:
            names = engine.kinds(options.get("kind"))
        except KeyError as error:
            raise CommandError(f"Unknown kind of fact: {error.args[0]}. Known: {', '.join(engine.KINDS)}.") from None
        selected = [kind.name for kind in names]
        action = options["action"]
        self._reported: dict[str, int] = {}
        if action == "rebuild":
            for rebuilt in engine.rebuild(selected, progress=self._progress):
                self.stdout.write(f"{rebuilt.kind}: {rebuilt.rows} rows in {rebuilt.seconds:.1f} s")
        elif action == "refresh":
            for refreshed in engine.refresh(selected):
                self.stdout.write(
                    f"{refreshed.kind}: {refreshed.events} changes, {refreshed.sources} sources, "
                    f"{refreshed.rows} rows in {refreshed.seconds * 1000:.0f} ms"
                )
        else:
            failed = False
            for checked in engine.check(selected):
                if checked.ok:
                    self.stdout.write(f"{checked.kind}: {checked.rows} rows agree with their sources")
                    continue
                failed = True
                for label, ids in (("missing", checked.missing), ("extra", checked.extra)):
                    if ids:
                        self.stdout.write(f"{checked.kind}: {len(ids)} {label}, e.g. sources {_some(ids)}")
                if checked.different:
                    self.stdout.write(
                        f"{checked.kind}: {len(checked.different)} differ, e.g. sources {_some(checked.different)}"
                    )
                for line in checked.summary:
                    self.stdout.write(f"{checked.kind} (counted in advance): {line}")
            if failed:
                raise CommandError("The facts do not agree with their sources: run `tipsom stats rebuild`.")

    def _progress(self, kind: str, rows: int) -> None:
        """A line on stderr each time a long rebuild passes another 100,000 rows."""
        step = rows // 100_000
        if step > self._reported.get(kind, 0):
            self._reported[kind] = step
            self.stderr.write(f"{kind}: {rows} rows so far")


def _some(ids: list[int]) -> str:
    return ", ".join(str(pk) for pk in ids[:10]) + (" ..." if len(ids) > 10 else "")
