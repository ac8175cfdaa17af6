"""The referrals app's demo data (`tipsom demo`, registered as the "referrals" demo seeder, after the cases): the
National Referral Mechanism: a service directory, referral pathways and response times for each of the 13
countries, referrals of about one demo case in three in every state, and one transnational referral (a Ukrainian
woman identified in Poland, referred home to Ukraine as a signed, encrypted bundle).

Services, pathways, texts and proportions are data (referrals/data/demo_services.json). What is referred, when and
how it ends is planned from (seed, country, case index) alone, like the cases (cases/demo.py), so the same seed
gives the same referrals; times are counted back from the moment of loading, so the demo always has referrals
waiting, late and done. The directory is written through the directory services as the country's administrator;
the first referrals of each country go through referral_send / accept / decline / start / complete as the staff
who would take each step, the rest through referrals_bulk_import (the same checks: active service of the country,
consent, warnings), their consents through cases' case_work_bulk_add, with one `demo.referrals` audit event per
country. The expiry job runs once at the end, as it would every few minutes.
"""

from tipsom.referrals.demo.load import (
    AUDIT_ACTION,
    ReferralsReport,
    loaded_referral_counts,
    referrals_load,
    seed,
    transnational_load,
)
from tipsom.referrals.demo.plan import (
    ReferralSpec,
    ServiceSpec,
    pathway_plan,
    plan_case_referrals,
    referrals_config,
    referrals_plan,
    response_plan,
    service_plan,
)

__all__ = [
    "AUDIT_ACTION",
    "ReferralSpec",
    "ReferralsReport",
    "ServiceSpec",
    "loaded_referral_counts",
    "pathway_plan",
    "plan_case_referrals",
    "referrals_config",
    "referrals_load",
    "referrals_plan",
    "response_plan",
    "seed",
    "service_plan",
    "transnational_load",
]
