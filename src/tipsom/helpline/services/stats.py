"""The helpline statistics' CSV export: the table as rows (counts withheld as on the screen), audited with its
period and scope (never a count)."""

from __future__ import annotations

from django.db import transaction

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.helpline.selectors_stats import StatsFilters, helpline_stats, stats_rows


@transaction.atomic
def helpline_stats_export(*, actor: User, filters: StatsFilters) -> list[list[str]]:
    """The rows of the CSV file of the statistics `actor` may see (NotFound otherwise), the export audited."""
    stats = helpline_stats(user=actor, filters=filters)
    rows = stats_rows(stats)
    audit_record(
        actor=actor,
        action="helpline.stats.export",
        object_type="helpline.stats",
        object_id=f"{filters.date_from}..{filters.date_to}",
        changes={
            "date_from": filters.date_from.isoformat(),
            "date_to": filters.date_to.isoformat(),
            "organization": filters.organization_id,
            "national": stats.national,
            "rows": len(rows) - 1,
            "withheld": stats.withheld,
        },
    )
    return rows
