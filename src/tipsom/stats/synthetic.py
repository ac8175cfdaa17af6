"""`synthetic_export`: a differentially private synthetic release of a scope's counted victims, in CTDC's synthetic
codebook v2 (27 columns), made with pac-synth (Microsoft's Synthetic Data Showcase, the method CTDC uses), with a
utility report and a re-identification risk check written beside it (`<output>.report.json`); audited.

The method. pac-synth's cost of sampling grows faster than the number of records (measured per record: a part of
2,500 victims about 0.55 ms of processor, of 5,000 about 0.7 ms, of 20,000 about 1.4 ms; sampling from the
aggregates of 100,000 victims 5 ms, with much worse utility), so a million victims are not synthesised in one piece:

1. A count of the victims with Laplace noise (epsilon_count = 1% of epsilon) fixes the number of parts,
   K = round(noisy count / PART_SIZE), at least 1.
2. Each victim is put in one of the K parts, drawn at random independently of every other victim (an unseeded
   generator: a seeded one would tie a victim's part to the position of the others).
3. pac-synth synthesises each part on its own, at epsilon_part = epsilon - epsilon_count and DELTA: it counts every
   single value and every pair of values (reporting length 2), adds Gaussian noise calibrated to
   (epsilon_part, DELTA), drops what its thresholds drop, and samples as many synthetic records as its own
   DP count of the part (never the true count), balancing the pairs already sampled (use_synthetic_counts).
   WORKERS processes synthesise parts side by side.
4. The parts' records are joined and shuffled.

The guarantee. Each part's output is (epsilon_part, DELTA)-DP with respect to the victims of that part. The parts
are disjoint and a victim's part does not depend on the other victims, so by parallel composition the joined
parts are (epsilon_part, DELTA)-DP with respect to the whole data; with the epsilon_count-DP count before them,
sequential composition gives (epsilon, DELTA)-DP for the file: adding or removing one victim changes the
probability of any output by a factor of at most e^epsilon, plus DELTA. DELTA = 1 / (P ln P) with P = PART_SIZE
(pac-synth's own default for a part of that size): a public constant, not computed from the data. The shuffle and
everything after the noisy counts are post-processing and cost nothing. (The refusal below MIN_RECORDS victims, a
decision the operator sees, is outside the guarantee, as is the report, which is not for publication.)

Why reporting length 2 and use_synthetic_counts: measured on 20,000 and 100,000 skewed records (bench/run_synthetic.py,
bench/results/synthetic.json), pairs with synthetic counts gave lower 1-, 2- and 3-way total variation distances
than triples at the same part size, and cost less. Smaller parts are faster but noisier (the noise does not shrink
with the part), so PART_SIZE is the largest part that keeps a million victims within five minutes on two cores.

epsilon must be above 0 and at most EPSILON_MAX (20). The cap: at epsilon = 20 the guarantee already allows one
victim to change an outcome's odds by e^20 (about 500 million), i.e. no protection worth the name; the largest
real-world DP release, the US 2020 census redistricting data, used about 17.1 for persons. CTDC and pac-synth's
default use 4; 1 to 6 is the usual range.

The seed: pac-synth draws its own noise and does not take a seed (a reproducible noise would let whoever knows the
seed subtract it), and the partition is never seeded. `seed` fixes the risk check's samples and the order of the
written records.

The report is computed on every real and synthetic record (the distances of the risk check on random samples of
RISK_SAMPLE, named in it). It holds the TRUE counts of every released column (to compare with the synthetic ones):
it is for the person who decides whether to publish, and must not be published with the file.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pycountry
from django.utils.translation import gettext as _

from tipsom.core.errors import ApplicationError
from tipsom.stats.ctdc.codebook import EXPLOIT, LABOUR, MEANS, MISSING, RECRUITER, SEX, UNKNOWN_COUNTRY
from tipsom.stats.ctdc.export import victim_frame
from tipsom.stats.exports import Release, Scope, audit_release, write_atomic
from tipsom.stats.models import VictimFact

EPSILON_MAX = 20.0
REPORTING_LENGTH = 2  # pac-synth counts single values and pairs (see the module docstring for why not 3)
PART_SIZE = 2500  # victims per part (each part synthesised on its own, at the full epsilon)
COUNT_EPSILON_SHARE = 0.01  # the share of epsilon spent on the noisy count that fixes the number of parts
WORKERS = 2  # worker processes synthesising parts side by side
MIN_RECORDS = 100
RISK_SAMPLE = 5000  # released synthetic records whose distance to the closest real record is measured
TRIPLES_SAMPLED = 200

SYNTHETIC_COLUMNS: tuple[str, ...] = (
    "yearOfRegistration",
    "gender",
    "ageBroad",
    "citizenship",
    "CountryOfExploitation",
    "traffickMonths",
    "meansDebtBondageEarnings",
    "meansThreats",
    "meansAbusePsyPhySex",
    "meansFalsePromises",
    "meansDrugsAlcohol",
    "meansDenyBasicNeeds",
    "meansExcessiveWorkHours",
    "meansWithholdDocs",
    "isForcedLabour",
    "isSexualExploit",
    "isOtherExploit",
    "typeOfLabourAgriculture",
    "typeOfLabourConstruction",
    "typeOfLabourDomesticWork",
    "typeOfLabourHospitality",
    "typeOfSexProstitution",
    "typeOfSexPornography",
    "recruiterRelationIntimatePartner",
    "recruiterRelationFriend",
    "recruiterRelationFamily",
    "recruiterRelationOther",
)

GENDERS = {"Female": "Woman", "Male": "Man", "Transgender/NonConforming": "Trans/Transgender/NonConforming"}

# Each binary column of codebook v2: the group mask it reads and the codebook v6 names any of which sets it.
BINARIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "meansDebtBondageEarnings": ("means", ("DebtBondage", "TakesEarnings", "RestrictsFinancialAccess")),
    "meansThreats": ("means", ("Threats", "ThreatOfLawEnforcement")),
    "meansAbusePsyPhySex": ("means", ("PsychologicalAbuse", "PhysicalAbuse", "SexualAbuse")),
    "meansFalsePromises": ("means", ("FalsePromises",)),
    "meansDrugsAlcohol": ("means", ("PsychoactiveSubstances",)),
    "meansDenyBasicNeeds": ("means", ("WithholdsNecessities", "RestrictsMedicalCare")),
    "meansExcessiveWorkHours": ("means", ("ExcessiveWorkingHours",)),
    "meansWithholdDocs": ("means", ("WithholdsDocuments",)),
    "isForcedLabour": ("exploit", ("ForcedLabour",)),
    "isSexualExploit": ("exploit", ("SexualExploit",)),
    "isOtherExploit": (
        "exploit",
        ("OtherExploit", "ForcedMarriage", "ForcedMilitary", "OrganRemoval", "SlaveryAndPractices"),
    ),
    "typeOfLabourAgriculture": ("labour", ("Agriculture",)),
    "typeOfLabourConstruction": ("labour", ("Construction",)),
    "typeOfLabourDomesticWork": ("labour", ("DomesticWork",)),
    "typeOfLabourHospitality": ("labour", ("Hospitality",)),
    "typeOfSexProstitution": ("sex", ("Prostitution",)),
    "typeOfSexPornography": ("sex", ("Pornography",)),
    "recruiterRelationIntimatePartner": ("recruiter", ("IntimatePartner",)),
    "recruiterRelationFriend": ("recruiter", ("Friend",)),
    "recruiterRelationFamily": ("recruiter", ("Family",)),
    "recruiterRelationOther": ("recruiter", ("Other",)),
}
_GROUPS = {"means": MEANS, "exploit": EXPLOIT, "labour": LABOUR, "sex": SEX, "recruiter": RECRUITER}

# The 2-way tables the report compares by name (every pair is in the mean).
PAIRS: tuple[tuple[str, str], ...] = (
    ("gender", "ageBroad"),
    ("gender", "isSexualExploit"),
    ("gender", "isForcedLabour"),
    ("ageBroad", "isSexualExploit"),
    ("citizenship", "isForcedLabour"),
    ("citizenship", "isSexualExploit"),
    ("citizenship", "CountryOfExploitation"),
    ("yearOfRegistration", "gender"),
)


def parse_epsilon(value: Any) -> float:
    """epsilon from the command line or a form: a number above 0 and at most EPSILON_MAX."""
    try:
        epsilon = float(value)
    except (TypeError, ValueError):
        raise ApplicationError(
            "invalid", _("epsilon must be a number, for example 4 (you gave %(value)s).") % {"value": value}
        ) from None
    if math.isnan(epsilon) or epsilon <= 0:
        raise ApplicationError("invalid", _("epsilon must be greater than 0; 4 is the usual choice."))
    if epsilon > EPSILON_MAX:
        raise ApplicationError(
            "invalid",
            _("epsilon above %(max)s gives no meaningful privacy; choose between 1 and 6 (4 is the usual choice).")
            % {"max": f"{EPSILON_MAX:g}"},
        )
    return epsilon


@cache
def alpha3(iso2: str) -> str:
    """ISO alpha-3 of an alpha-2 code ('' for ZZ, -99 or a code pycountry does not know)."""
    if iso2 in (UNKNOWN_COUNTRY, MISSING, ""):
        return ""
    country = pycountry.countries.get(alpha_2=iso2)
    return country.alpha_3 if country is not None else ""


def months_band(months: Any) -> str:
    if months is None or months is pd.NA:
        return ""
    months = int(months)
    return "0--12" if months <= 12 else "13--24" if months <= 24 else "25+"


def synthetic_input(frame: pd.DataFrame) -> pd.DataFrame:
    """The real records in codebook v2 (strings; '' for no or unknown), from ctdc.export.victim_frame."""
    months = frame["months"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    data: dict[str, Any] = {
        "yearOfRegistration": frame["yearOfRegistration"].astype(str),
        "gender": frame["gender"].map(GENDERS).fillna(""),
        "ageBroad": frame["ageBroad"].astype(str).where(frame["ageBroad"] != MISSING, ""),
        "citizenship": _map_unique(frame["citizenship"], alpha3),
        "CountryOfExploitation": _map_unique(frame["CountryOfExploitation"], alpha3),
        "traffickMonths": np.select(
            [np.isnan(months), months <= 12, months <= 24], ["", "0--12", "13--24"], default="25+"
        ),
    }
    for column, (group_key, names) in BINARIES.items():
        group = _GROUPS[group_key]
        bits = 0
        for name in names:
            bits |= group.bit(name)
        data[column] = np.where((frame[group_key].to_numpy() & bits) != 0, "1", "")
    result = pd.DataFrame(data, columns=list(SYNTHETIC_COLUMNS))
    return result.astype(str)


def _map_unique(values: pd.Series, function: Any) -> pd.Series:
    """`function` applied once per distinct value."""
    return values.map({value: function(value) for value in values.unique()})


def delta_for(part_size: int) -> float:
    """pac-synth's default delta, 1 / (n ln n), for a part of `part_size` records: public, not from the data."""
    return 1 / (part_size * math.log(part_size))


DELTA = delta_for(PART_SIZE)


# --- coded records ---------------------------------------------------------------------------------------------------
class Coded:
    """Records as small integers: `codes[i, j]` indexes `labels[j]`, the values of column j ('' always among them)."""

    def __init__(self, codes: np.ndarray, labels: list[np.ndarray], columns: Sequence[str]) -> None:
        self.codes = codes
        self.labels = labels
        self.columns = list(columns)

    def __len__(self) -> int:
        return len(self.codes)

    @classmethod
    def encode(cls, frame: pd.DataFrame) -> Coded:
        codes = np.zeros((len(frame), len(frame.columns)), dtype=np.int16)
        labels = []
        for position, column in enumerate(frame.columns):
            column_codes, uniques = pd.factorize(frame[column], sort=True)
            values = np.asarray(uniques, dtype=object)
            if "" not in set(values):
                values = np.append(values, "")
            codes[:, position] = column_codes
            labels.append(values)
        return cls(codes, labels, frame.columns)

    def like(self, codes: np.ndarray) -> Coded:
        """Other records coded with the same labels."""
        return Coded(codes, self.labels, self.columns)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {column: self.labels[j][self.codes[:, j]] for j, column in enumerate(self.columns)}, columns=self.columns
        ).astype(str)

    def sizes(self) -> list[int]:
        return [len(values) for values in self.labels]


# --- synthesis -------------------------------------------------------------------------------------------------------
def part_count(n: int, epsilon: float, rng: np.random.Generator, part_size: int = PART_SIZE) -> int:
    """The number of parts, from the number of records with Laplace noise of scale 1/epsilon (an epsilon-DP count):
    the partition itself must not depend on the exact number of victims."""
    noisy = n + rng.laplace(0.0, 1.0 / epsilon)
    return max(1, round(noisy / part_size))


def synthesise_part(
    codes: np.ndarray, labels: list[list[str]], columns: list[str], epsilon: float, delta: float
) -> tuple[np.ndarray | None, int, str]:
    """pac-synth on one part (run in a worker process): the synthetic records coded like the input, pac-synth's DP
    count of the part, and its parameters as JSON, or (None, 0, the error) when pac-synth fails. It samples as many
    records as its own DP count of the part (never the true count)."""
    import pacsynth  # type: ignore[import-untyped]

    pacsynth.set_number_of_threads(1)  # one part per process; WORKERS processes side by side
    values = [np.asarray(column_labels, dtype=object) for column_labels in labels]
    rows = np.stack([values[j][codes[:, j]] for j in range(len(columns))], axis=1).tolist() if len(codes) else []
    builder = (
        pacsynth.DpAggregateSeededParametersBuilder()
        .reporting_length(REPORTING_LENGTH)
        .epsilon(epsilon)
        .delta(delta)
        .use_synthetic_counts(True)
    )
    try:
        synthesizer = pacsynth.DpAggregateSeededSynthesizer(builder.build())
        synthesizer.fit(pacsynth.Dataset([columns, *rows]))
        protected = int(synthesizer.get_dp_number_of_records())
        sampled = synthesizer.sample(protected) if protected > 0 else [columns]
    except BaseException as exc:  # pac-synth's Rust panics are BaseException (pyo3 PanicException)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return None, 0, str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    header, records = sampled[0], sampled[1:]
    result = np.zeros((len(records), len(columns)), dtype=np.int16)
    if records:
        matrix = np.asarray(records, dtype=object)
        for j, column in enumerate(columns):
            index = {value: code for code, value in enumerate(labels[j])}
            empty = index[""]
            source = matrix[:, header.index(column)] if column in header else np.full(len(records), "")
            result[:, j] = [index.get(value, empty) for value in source]
    return result, protected, builder.to_json_str()


def _run_parts(
    jobs: list[np.ndarray], coded: Coded, epsilon: float, delta: float
) -> list[tuple[np.ndarray | None, int, str]]:
    """synthesise_part on each job, in WORKERS processes. They are forked: pac-synth is never loaded in this process
    (a forked child of a process whose pac-synth thread pool has started would wait forever for its threads)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    labels = [[str(value) for value in column_labels] for column_labels in coded.labels]
    arguments = [(job, labels, coded.columns, epsilon, delta) for job in jobs]
    workers = max(1, min(WORKERS, len(jobs)))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_synthesise_arguments, arguments))


def _synthesise_arguments(arguments: tuple[Any, ...]) -> tuple[np.ndarray | None, int, str]:
    return synthesise_part(*arguments)


def synthesise(
    coded: Coded, epsilon: float, *, holdout: np.ndarray | None = None, part_size: int = PART_SIZE
) -> tuple[Coded, dict[str, Any], Coded | None]:
    """The synthetic records of `coded` at (epsilon, delta_for(part_size)), the parameters used, and (when
    `holdout` codes are given, for the risk check) a synthetic copy of those records made the same way.

    The victims are split at random into parts of about PART_SIZE, each victim into one part drawn independently
    of every other victim, and pac-synth synthesises each part on its own at epsilon - epsilon_count. The number
    of parts comes from a count with Laplace noise (epsilon_count = COUNT_EPSILON_SHARE x epsilon)."""
    n = len(coded)
    rng = np.random.default_rng()  # never seeded: a reproducible partition would tie a victim's part to the others
    epsilon_count = COUNT_EPSILON_SHARE * epsilon
    epsilon_part = epsilon - epsilon_count
    parts = part_count(n, epsilon_count, rng, part_size)
    delta = delta_for(part_size)
    assignment = rng.integers(0, parts, size=n)
    order = np.argsort(assignment, kind="stable")
    bounds = np.searchsorted(assignment[order], np.arange(parts + 1))
    jobs = [coded.codes[order[bounds[k] : bounds[k + 1]]] for k in range(parts)]
    if holdout is not None:
        jobs.append(holdout)
    results = _run_parts(jobs, coded, epsilon_part, delta)
    for result, _count, error in results:
        if result is None:
            raise ApplicationError(
                "failed",
                _("The synthesiser could not work on these %(n)s victims at epsilon %(epsilon)s: %(error)s")
                % {"n": n, "epsilon": epsilon, "error": error},
            )
    held = None
    if holdout is not None:
        held_result = results.pop()[0]
        held = coded.like(held_result) if held_result is not None else None
    synthetic = coded.like(np.concatenate([result for result, _count, _json in results if result is not None]))
    used = json.loads(results[0][2])
    used.update(
        {
            "epsilon": epsilon,
            "epsilon_count": epsilon_count,
            "epsilon_part": epsilon_part,
            "delta": delta,
            "reporting_length": REPORTING_LENGTH,
            "use_synthetic_counts": True,
            "part_size": part_size,
            "parts": parts,
            "dp_number_of_records": int(sum(count for _result, count, _json in results)),
        }
    )
    return synthetic, used, held


def guarantee(epsilon: float) -> str:
    """The report's sentence on the guarantee."""
    return _(
        "The file is (%(epsilon)s, %(delta).1e)-differentially private: the victims were split at random into parts "
        "of about %(size)s, each synthesised on its own at epsilon %(part)s (parallel composition), after a noisy "
        "count at epsilon %(count)s that fixed the number of parts."
    ) % {
        "epsilon": f"{epsilon:g}",
        "delta": DELTA,
        "size": PART_SIZE,
        "part": f"{epsilon * (1 - COUNT_EPSILON_SHARE):g}",
        "count": f"{epsilon * COUNT_EPSILON_SHARE:g}",
    }


# --- utility ---------------------------------------------------------------------------------------------------------
def _distribution(codes: Sequence[np.ndarray], columns: Sequence[int], sizes: Sequence[int]) -> np.ndarray:
    key = codes[columns[0]]
    for column in columns[1:]:
        key = key * sizes[column] + codes[column]
    return np.bincount(key, minlength=int(np.prod([sizes[column] for column in columns])))


def _compare(
    real: Sequence[np.ndarray], synthetic: Sequence[np.ndarray], columns: Sequence[int], sizes: Sequence[int]
) -> dict[str, Any]:
    true_counts = _distribution(real, columns, sizes)
    synthetic_counts = _distribution(synthetic, columns, sizes)
    present = (true_counts + synthetic_counts) > 0
    true_share = true_counts / max(1, true_counts.sum())
    synthetic_share = synthetic_counts / max(1, synthetic_counts.sum())
    return {
        "mae": float(np.abs(true_counts - synthetic_counts)[present].mean()) if present.any() else 0.0,
        "tvd": float(0.5 * np.abs(true_share - synthetic_share).sum()),
        "true": true_counts,
        "synthetic": synthetic_counts,
    }


def _columns(coded: Coded) -> list[np.ndarray]:
    """Each column's codes as int64 (room for the keys of three columns)."""
    return [coded.codes[:, j].astype(np.int64) for j in range(len(coded.columns))]


def utility_report(real: Coded, synthetic: Coded, seed: int | None) -> dict[str, Any]:
    """1-way marginals of every column (true and synthetic counts, MAE of the counts, TVD of the shares), the
    named 2-way tables, and the mean TVD over every pair of columns and over a sample of triples. On every record."""
    real_columns, synthetic_columns = _columns(real), _columns(synthetic)
    sizes = real.sizes()
    columns = real.columns
    marginals = {}
    for position, column in enumerate(columns):
        compared = _compare(real_columns, synthetic_columns, [position], sizes)
        present = (compared["true"] + compared["synthetic"]) > 0
        marginals[column] = {
            "mae": round(compared["mae"], 3),
            "tvd": round(compared["tvd"], 4),
            "values": {
                str(real.labels[position][index]) or "(empty)": [
                    int(compared["true"][index]),
                    int(compared["synthetic"][index]),
                ]
                for index in range(sizes[position])
                if present[index]
            },
        }
    pairs = {}
    for first, second in PAIRS:
        compared = _compare(real_columns, synthetic_columns, [columns.index(first), columns.index(second)], sizes)
        pairs[f"{first} x {second}"] = {"mae": round(compared["mae"], 3), "tvd": round(compared["tvd"], 4)}
    two_way = [
        _compare(real_columns, synthetic_columns, pair, sizes)["tvd"]
        for pair in itertools.combinations(range(len(columns)), 2)
    ]
    triples = list(itertools.combinations(range(len(columns)), 3))
    rng = np.random.default_rng(seed)
    chosen = [triples[i] for i in rng.choice(len(triples), size=min(TRIPLES_SAMPLED, len(triples)), replace=False)]
    three_way = [
        _compare(real_columns, synthetic_columns, triple, sizes)["tvd"]
        for triple in chosen
        if np.prod([sizes[i] for i in triple]) < 50_000_000
    ]
    return {
        "records_compared": {"real": len(real), "synthetic": len(synthetic)},
        "one_way": marginals,
        "one_way_mean_tvd": round(float(np.mean([m["tvd"] for m in marginals.values()])), 4),
        "one_way_mean_mae": round(float(np.mean([m["mae"] for m in marginals.values()])), 3),
        "two_way": pairs,
        "two_way_mean_tvd": round(float(np.mean(two_way)), 4),
        "three_way_mean_tvd": round(float(np.mean(three_way)), 4) if three_way else None,
        "three_way_tables_sampled": len(three_way),
    }


# --- risk ------------------------------------------------------------------------------------------------------------
def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def _unique_share(real_hashes: np.ndarray, synthetic_hashes: np.ndarray) -> float:
    if len(synthetic_hashes) == 0:
        return 0.0
    values, counts = np.unique(real_hashes, return_counts=True)
    return float(np.isin(synthetic_hashes, values[counts == 1]).mean())


def unique_match_share(real: pd.DataFrame, synthetic: pd.DataFrame) -> float:
    """The share of synthetic records identical on every column to a real record that is unique in `real`."""
    return _unique_share(_row_hashes(real), _row_hashes(synthetic))


def _code_hashes(coded: Coded) -> np.ndarray:
    return _row_hashes(pd.DataFrame(coded.codes))


def _closest(synthetic: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """For each synthetic record, the number of columns in which the closest reference record differs."""
    best = np.full(len(synthetic), synthetic.shape[1], dtype=np.int64)
    for start in range(0, len(synthetic), 64):
        block = synthetic[start : start + 64]
        distances = (block[:, None, :] != reference[None, :, :]).sum(axis=2)
        best[start : start + 64] = distances.min(axis=1)
    return best


def holdout_sample(n: int, seed: int | None) -> tuple[np.ndarray, np.ndarray] | None:
    """The risk check's training and holdout records (positions), each min(PART_SIZE, n // 2), drawn at random."""
    size = min(PART_SIZE, n // 2)
    if size < MIN_RECORDS:
        return None
    chosen = np.random.default_rng(seed).choice(n, size=2 * size, replace=False)
    return chosen[:size], chosen[size:]


def risk_report(
    real: Coded,
    synthetic: Coded,
    held: tuple[np.ndarray, np.ndarray] | None,
    trained: Coded | None,
    seed: int | None,
) -> dict[str, Any]:
    """The re-identification risk check.

    1. Of all the released synthetic records, the share identical on all columns to a real record that is unique in
       the real data (the records an attacker could single out).
    2. The distance (columns differing) from RISK_SAMPLE released records, drawn at random, to the closest of as
       many real records drawn at random, and the share at distance 0.
    3. A holdout test at the scale of one part: two disjoint random sets of real records (`held`, PART_SIZE each
       at most); a synthesiser at the same epsilon learns from the first only (`trained` is its output). If it
       copies records, its output is closer to that set than to the one it never saw: compare the shares of its
       records identical to a record unique in each set, and the distance to the closest record of each. With no
       memorisation both are about equal and the share closer to the training set is about 0.5."""
    rng = np.random.default_rng(seed)
    report: dict[str, Any] = {
        "released_unique_match_share": round(_unique_share(_code_hashes(real), _code_hashes(synthetic)), 5)
    }
    if len(synthetic):
        compared = synthetic.codes[rng.choice(len(synthetic), size=min(RISK_SAMPLE, len(synthetic)), replace=False)]
        reference = real.codes[rng.choice(len(real), size=min(RISK_SAMPLE, len(real)), replace=False)]
        distance = _closest(compared, reference)
        report["released_distance"] = {
            "synthetic_records": len(compared),
            "real_records": len(reference),
            "mean_distance": round(float(distance.mean()), 4),
            "exact_match_share": round(float((distance == 0).mean()), 4),
        }
    if held is None:
        report["holdout"] = {"run": False, "reason": f"fewer than 2 x {MIN_RECORDS} records"}
        return report
    if trained is None:
        report["holdout"] = {"run": False, "reason": "the synthesiser failed on the training records"}
        return report
    train, holdout = real.codes[held[0]], real.codes[held[1]]
    sample = trained.codes[rng.choice(len(trained), size=min(RISK_SAMPLE, len(trained)), replace=False)]
    to_train, to_holdout = _closest(sample, train), _closest(sample, holdout)
    trained_hashes = _code_hashes(trained)
    report["holdout"] = {
        "run": True,
        "training_records": len(train),
        "synthetic_records": len(trained),
        "unique_match_share_training": round(_unique_share(_code_hashes(real.like(train)), trained_hashes), 5),
        "unique_match_share_holdout": round(_unique_share(_code_hashes(real.like(holdout)), trained_hashes), 5),
        "records_compared": len(sample),
        "reference_records_each": len(train),
        "mean_distance_training": round(float(to_train.mean()), 4),
        "mean_distance_holdout": round(float(to_holdout.mean()), 4),
        "exact_match_share_training": round(float((to_train == 0).mean()), 4),
        "exact_match_share_holdout": round(float((to_holdout == 0).mean()), 4),
        "share_closer_to_training": round(float(((to_train < to_holdout) + 0.5 * (to_train == to_holdout)).mean()), 4),
    }
    return report


# --- the release -----------------------------------------------------------------------------------------------------
def release_records(real: pd.DataFrame, epsilon: float, seed: int | None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The synthetic records of `real` (codebook v2 strings, at least MIN_RECORDS rows) in a random order fixed by
    `seed`, and the report's figures: parameters, timings, utility and risk. What synthetic_export and the
    benchmark run."""
    started = time.monotonic()
    coded = Coded.encode(real)
    held = holdout_sample(len(coded), seed)
    synthetic, parameters, trained = synthesise(coded, epsilon, holdout=None if held is None else coded.codes[held[0]])
    synthesised = time.monotonic()
    order = np.random.default_rng(seed).permutation(len(synthetic))
    synthetic = synthetic.like(synthetic.codes[order])
    utility = utility_report(coded, synthetic, seed)
    measured = time.monotonic()
    risk = risk_report(coded, synthetic, held, trained, seed)
    checked = time.monotonic()
    frame = synthetic.frame()
    figures = {
        "synthetic_records": len(synthetic),
        "delta": DELTA,
        "reporting_length": REPORTING_LENGTH,
        "part_size": PART_SIZE,
        "parts": parameters["parts"],
        "parameters": parameters,
        "synthesis_seconds": round(synthesised - started, 2),
        "utility_seconds": round(measured - synthesised, 2),
        "risk_seconds": round(checked - measured, 2),
        "utility": utility,
        "risk": risk,
    }
    return frame, figures


def write_csv(stream: IO[bytes], frame: pd.DataFrame) -> None:
    """The header and the records, written in chunks."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(list(frame.columns))
    for start in range(0, len(frame), 50_000):
        writer.writerows(frame.iloc[start : start + 50_000].itertuples(index=False, name=None))
    text.flush()
    text.detach()


def synthetic_export(scope: Scope, *, epsilon: float, output: Path, seed: int | None = None) -> Release:
    """Write a differentially private synthetic release of the scope's counted victims to `output`, with the
    utility and risk report beside it; audited."""
    epsilon = parse_epsilon(epsilon)
    output = Path(output)
    started = time.monotonic()
    real = synthetic_input(victim_frame(scope.facts(VictimFact)))
    read = time.monotonic()
    n = len(real)
    report: dict[str, Any] = {"country": scope.country, "epsilon": epsilon, "seed": seed, "real_records": n}
    report["note"] = _("This report holds true counts: keep it with the person who decides; do not publish it.")
    report["guarantee"] = guarantee(epsilon)
    if n == 0:
        synthetic = pd.DataFrame(columns=list(SYNTHETIC_COLUMNS))
        report.update({"empty": True, "synthetic_records": 0})
    elif n < MIN_RECORDS:
        raise ApplicationError(
            "invalid",
            _(
                "Too few victims (%(n)s) for a synthetic release: it needs at least %(min)s; with fewer, the noise "
                "that protects them leaves nothing useful."
            )
            % {"n": n, "min": MIN_RECORDS},
        )
    else:
        synthetic, figures = release_records(real, epsilon, seed)
        report.update({"empty": False, "read_seconds": round(read - started, 2), **figures})
    report["seconds"] = round(time.monotonic() - started, 2)
    write_atomic(output, lambda stream: write_csv(stream, synthetic))
    write_atomic(Path(f"{output}.report.json"), lambda stream: _json(stream, report))
    release = Release(
        kind="synthetic",
        country=scope.country,
        records=len(synthetic),
        fields=len(SYNTHETIC_COLUMNS),
        parameters={
            "epsilon": epsilon,
            "delta": report.get("delta"),
            "reporting_length": REPORTING_LENGTH,
            "part_size": PART_SIZE,
            "parts": report.get("parts"),
            "seed": seed,
            "real_records": n,
            "output": output.name,
        },
        report=report,
    )
    audit_release(scope, release)
    return release


def _json(stream: IO[bytes], report: dict[str, Any]) -> None:
    stream.write(json.dumps(report, indent=2, default=_plain).encode())


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    raise TypeError(type(value).__name__)


def synthetic_report_lines(release: Release) -> list[str]:
    """The command's summary of a synthetic release, in sentences."""
    report = release.report
    if report.get("empty"):
        return [_("No counted victim in this scope: the file has the header only.")]
    utility, risk = report["utility"], report["risk"]
    lines = [
        _(
            "%(synthetic)s synthetic records from %(real)s victims, epsilon %(epsilon)s, delta %(delta).2e, "
            "combinations of up to %(length)s values."
        )
        % {
            "synthetic": report["synthetic_records"],
            "real": report["real_records"],
            "epsilon": report["epsilon"],
            "delta": report["delta"],
            "length": report["reporting_length"],
        },
        _("Mean total variation distance from the real data: 1-way %(one)s, 2-way %(two)s, 3-way %(three)s.")
        % {
            "one": utility["one_way_mean_tvd"],
            "two": utility["two_way_mean_tvd"],
            "three": utility["three_way_mean_tvd"],
        },
        _("Synthetic records identical to a real victim unique in the data: %(share)s.")
        % {"share": f"{risk['released_unique_match_share']:.2%}"},
    ]
    holdout = risk.get("holdout", {})
    if holdout.get("run"):
        lines.append(
            _(
                "Holdout check: %(closer)s of synthetic records are closer to the training half (0.5 means no "
                "copying); identical to a unique record: %(train)s training, %(hold)s holdout."
            )
            % {
                "closer": holdout["share_closer_to_training"],
                "train": f"{holdout['unique_match_share_training']:.2%}",
                "hold": f"{holdout['unique_match_share_holdout']:.2%}",
            }
        )
    return lines
