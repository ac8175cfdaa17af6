"""The cases app's demo data (`tipsom demo`, registered as the "cases" demo seeder): about 2,000 synthetic
victim cases across the 13 countries, deterministic from the seed.

Routes, forms of exploitation, name pools and proportions are data (cases/data/demo_cases.json). Each case is
planned from its own generator (seed, country, index), without the database, so the first N cases of a country
are the same whatever the total. The first cases of each country go through the case services one step at a
time with the demo staff as actors (a frontline identifier or a case manager registers, the supervisor approves,
the child protection officer appoints the guardian); the rest through cases_bulk_import, which checks them as
those services do and writes them in bulk. A `demo.cases` audit event per country records how many planned cases
were loaded; a second run continues from there and never creates a case twice.
"""

from tipsom.cases.demo.load import (
    AUDIT_ACTION,
    CasesReport,
    case_import,
    cases_load,
    demo_staff,
    loaded_cases,
    loaded_counts,
    seed,
)
from tipsom.cases.demo.plan import (
    OWNERS,
    CaseSpec,
    case_counts,
    cases_config,
    cases_plan,
    plan_case,
    synthetic_name,
    synthetic_phone,
)

__all__ = [
    "AUDIT_ACTION",
    "OWNERS",
    "CaseSpec",
    "CasesReport",
    "case_counts",
    "case_import",
    "cases_config",
    "cases_load",
    "cases_plan",
    "demo_staff",
    "loaded_cases",
    "loaded_counts",
    "plan_case",
    "seed",
    "synthetic_name",
    "synthetic_phone",
]
