"""`synthetic_export`: a differentially private synthetic release of a scope's counted victims, in CTDC's synthetic
codebook v2 (27 columns), made with pac-synth (Microsoft's Synthetic Data Showcase, the method CTDC uses), with a
utility report and a re-identification risk check written beside it (`<output>.report.json`); audited.

The method: pac-synth counts every combination of up to `REPORTING_LENGTH` (3) attribute values, adds Gaussian
noise calibrated to (epsilon, delta), drops combinations whose noisy count falls under its thresholds, and samples
synthetic records that reproduce those noisy counts. Only the noisy counts touch the real data, so the file is
(epsilon, delta)-differentially private: adding or removing one victim changes the probability of any output by a
factor of at most e^epsilon (plus delta). delta is 1 / (n ln n), pac-synth's own default, for n real records.

epsilon must be above 0 and at most EPSILON_MAX (20). The cap: at epsilon = 20 the guarantee already allows one
victim to change an outcome's odds by e^20 (about 500 million), i.e. no protection worth the name; the largest
real-world DP release, the US 2020 census redistricting data, used about 17.1 for persons. CTDC and pac-synth's
default use 4; 1 to 6 is the usual range.

The seed: pac-synth draws its own noise and does not take a seed (a reproducible noise would let whoever knows the
seed subtract it). `seed` fixes the risk check's split into halves and the order of the written records.

The report holds the TRUE counts of every released column (to compare with the synthetic ones): it is for the
person who decides whether to publish, and must not be published with the file.
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
REPORTING_LENGTH = 3
MIN_RECORDS = 100
RISK_SAMPLE = 2000  # synthetic records whose distance to the closest real record is measured
RISK_REFERENCE = 20000  # real records (each half) they are compared with
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
    data: dict[str, Any] = {
        "yearOfRegistration": frame["yearOfRegistration"].astype(str),
        "gender": frame["gender"].map(lambda g: GENDERS.get(g, "")),
        "ageBroad": frame["ageBroad"].map(lambda a: "" if a == MISSING else a),
        "citizenship": frame["citizenship"].map(alpha3),
        "CountryOfExploitation": frame["CountryOfExploitation"].map(alpha3),
        "traffickMonths": [months_band(m) for m in frame["months"]],
    }
    for column, (group_key, names) in BINARIES.items():
        group = _GROUPS[group_key]
        bits = 0
        for name in names:
            bits |= group.bit(name)
        data[column] = np.where((frame[group_key].to_numpy() & bits) != 0, "1", "")
    result = pd.DataFrame(data, columns=list(SYNTHETIC_COLUMNS))
    return result.astype(str)


def _synthesise(real: pd.DataFrame, epsilon: float) -> tuple[pd.DataFrame, dict[str, Any]]:
    """pac-synth's synthetic records of `real`, and the parameters used."""
    import pacsynth  # type: ignore[import-untyped]

    n = len(real)
    delta = 1 / (n * math.log(n))
    parameters = (
        pacsynth.DpAggregateSeededParametersBuilder()
        .reporting_length(REPORTING_LENGTH)
        .epsilon(epsilon)
        .delta(delta)
        .build()
    )
    raw = [list(real.columns), *real.to_numpy(dtype=str).tolist()]
    try:
        synthesizer = pacsynth.DpAggregateSeededSynthesizer(parameters)
        synthesizer.fit(pacsynth.Dataset(raw))
        sampled = synthesizer.sample()
        protected = synthesizer.get_dp_number_of_records()
    except BaseException as exc:  # pac-synth's Rust panics are BaseException (pyo3 PanicException)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise ApplicationError(
            "failed",
            _("The synthesiser could not work on these %(n)s victims at epsilon %(epsilon)s: %(error)s")
            % {"n": n, "epsilon": epsilon, "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__},
        ) from None
    synthetic = pd.DataFrame(sampled[1:], columns=sampled[0]) if sampled else pd.DataFrame(columns=real.columns)
    synthetic = synthetic.reindex(columns=list(real.columns)).fillna("").astype(str)
    used = json.loads(parameters.to_json_str())
    used.update({"epsilon": epsilon, "delta": delta, "reporting_length": REPORTING_LENGTH})
    used["dp_number_of_records"] = protected
    return synthetic, used


def _codes(real: pd.DataFrame, synthetic: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Both frames as small integers, coded alike per column; and each column's values."""
    real_codes = np.zeros((len(real), len(real.columns)), dtype=np.int64)
    synthetic_codes = np.zeros((len(synthetic), len(real.columns)), dtype=np.int64)
    labels = []
    for position, column in enumerate(real.columns):
        both = pd.concat([real[column], synthetic[column]], ignore_index=True)
        codes, uniques = pd.factorize(both)
        real_codes[:, position] = codes[: len(real)]
        synthetic_codes[:, position] = codes[len(real) :]
        labels.append(np.asarray(uniques, dtype=object))
    return real_codes, synthetic_codes, labels


def _distribution(codes: np.ndarray, columns: Sequence[int], sizes: Sequence[int]) -> np.ndarray:
    key = np.zeros(len(codes), dtype=np.int64)
    for column, size in zip(columns, sizes, strict=True):
        key = key * size + codes[:, column]
    return np.bincount(key, minlength=int(np.prod(sizes)))


def _compare(real: np.ndarray, synthetic: np.ndarray, columns: Sequence[int], sizes: Sequence[int]) -> dict[str, Any]:
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


def utility_report(real: pd.DataFrame, synthetic: pd.DataFrame, seed: int | None) -> dict[str, Any]:
    """1-way marginals of every column (true and synthetic counts, MAE of the counts, TVD of the shares), the
    named 2-way tables, and the mean TVD over every pair of columns and over a sample of triples."""
    real_codes, synthetic_codes, labels = _codes(real, synthetic)
    sizes = [max(1, len(values)) for values in labels]
    columns = list(real.columns)
    marginals = {}
    for position, column in enumerate(columns):
        compared = _compare(real_codes, synthetic_codes, [position], [sizes[position]])
        marginals[column] = {
            "mae": round(compared["mae"], 3),
            "tvd": round(compared["tvd"], 4),
            "values": {
                str(labels[position][index]) or "(empty)": [
                    int(compared["true"][index]),
                    int(compared["synthetic"][index]),
                ]
                for index in range(len(labels[position]))
            },
        }
    pairs = {}
    for first, second in PAIRS:
        a, b = columns.index(first), columns.index(second)
        compared = _compare(real_codes, synthetic_codes, [a, b], [sizes[a], sizes[b]])
        pairs[f"{first} x {second}"] = {"mae": round(compared["mae"], 3), "tvd": round(compared["tvd"], 4)}
    two_way = [
        _compare(real_codes, synthetic_codes, [a, b], [sizes[a], sizes[b]])["tvd"]
        for a, b in itertools.combinations(range(len(columns)), 2)
    ]
    triples = list(itertools.combinations(range(len(columns)), 3))
    rng = np.random.default_rng(seed)
    chosen = [triples[i] for i in rng.choice(len(triples), size=min(TRIPLES_SAMPLED, len(triples)), replace=False)]
    three_way = [
        _compare(real_codes, synthetic_codes, list(t), [sizes[i] for i in t])["tvd"]
        for t in chosen
        if np.prod([sizes[i] for i in t]) < 50_000_000
    ]
    return {
        "one_way": marginals,
        "one_way_mean_tvd": round(float(np.mean([m["tvd"] for m in marginals.values()])), 4),
        "one_way_mean_mae": round(float(np.mean([m["mae"] for m in marginals.values()])), 3),
        "two_way": pairs,
        "two_way_mean_tvd": round(float(np.mean(two_way)), 4),
        "three_way_mean_tvd": round(float(np.mean(three_way)), 4) if three_way else None,
        "three_way_tables_sampled": len(three_way),
    }


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def unique_match_share(real: pd.DataFrame, synthetic: pd.DataFrame) -> float:
    """The share of synthetic records identical on every column to a real record that is unique in `real`."""
    if len(synthetic) == 0:
        return 0.0
    counts = pd.Series(_row_hashes(real)).value_counts()
    uniques = counts.index[counts.to_numpy() == 1].to_numpy()
    return float(np.isin(_row_hashes(synthetic), uniques).mean())


def _closest(synthetic: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """For each synthetic record, the number of columns in which the closest reference record differs."""
    best = np.full(len(synthetic), synthetic.shape[1], dtype=np.int64)
    for start in range(0, len(synthetic), 64):
        block = synthetic[start : start + 64]
        distances = (block[:, None, :] != reference[None, :, :]).sum(axis=2)
        best[start : start + 64] = distances.min(axis=1)
    return best


def risk_report(real: pd.DataFrame, synthetic: pd.DataFrame, epsilon: float, seed: int | None) -> dict[str, Any]:
    """The re-identification risk check.

    1. Of the released synthetic records, the share identical on all columns to a real record that is unique in the
       real data (the records an attacker could single out).
    2. A holdout test: the real records are split at random into halves; a second synthesiser, at the same
       epsilon, learns from the first half only. If it copies records, its output is closer to that half than to
       the half it never saw: compare the shares of its records identical to a record unique in each half, and the
       distance (columns differing) to the closest record of each, on samples of equal size. With no memorisation
       both are about equal and the share closer to the training half is about 0.5."""
    report: dict[str, Any] = {"released_unique_match_share": round(unique_match_share(real, synthetic), 5)}
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(real))
    half = len(real) // 2
    train, holdout = real.iloc[order[:half]], real.iloc[order[half : 2 * half]]
    if half < MIN_RECORDS:
        report["holdout"] = {"run": False, "reason": "fewer than 2 x 100 records"}
        return report
    try:
        trained, _parameters = _synthesise(train.reset_index(drop=True), epsilon)
    except ApplicationError as exc:
        report["holdout"] = {"run": False, "reason": exc.message}
        return report
    train_codes, trained_codes, _labels = _codes(pd.concat([train, holdout], ignore_index=True), trained)
    train_part, holdout_part = train_codes[:half], train_codes[half:]
    sample = trained_codes[rng.choice(len(trained_codes), size=min(RISK_SAMPLE, len(trained_codes)), replace=False)]
    size = min(RISK_REFERENCE, half)
    train_reference = train_part[rng.choice(half, size=size, replace=False)]
    holdout_reference = holdout_part[rng.choice(half, size=size, replace=False)]
    to_train, to_holdout = _closest(sample, train_reference), _closest(sample, holdout_reference)
    report["holdout"] = {
        "run": True,
        "training_records": half,
        "synthetic_records": len(trained),
        "unique_match_share_training": round(unique_match_share(train, trained), 5),
        "unique_match_share_holdout": round(unique_match_share(holdout, trained), 5),
        "records_compared": len(sample),
        "reference_records_each": size,
        "mean_distance_training": round(float(to_train.mean()), 4),
        "mean_distance_holdout": round(float(to_holdout.mean()), 4),
        "exact_match_share_training": round(float((to_train == 0).mean()), 4),
        "exact_match_share_holdout": round(float((to_holdout == 0).mean()), 4),
        "share_closer_to_training": round(float(((to_train < to_holdout) + 0.5 * (to_train == to_holdout)).mean()), 4),
    }
    return report


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(frame.columns))
    writer.writerows(frame.itertuples(index=False, name=None))
    return buffer.getvalue().encode()


def synthetic_export(scope: Scope, *, epsilon: float, output: Path, seed: int | None = None) -> Release:
    """Write a differentially private synthetic release of the scope's counted victims to `output`, with the
    utility and risk report beside it; audited."""
    epsilon = parse_epsilon(epsilon)
    output = Path(output)
    started = time.monotonic()
    real = synthetic_input(victim_frame(scope.facts(VictimFact)))
    n = len(real)
    report: dict[str, Any] = {"country": scope.country, "epsilon": epsilon, "seed": seed, "real_records": n}
    report["note"] = _("This report holds true counts: keep it with the person who decides; do not publish it.")
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
        synthetic, parameters = _synthesise(real, epsilon)
        synthesised = time.monotonic()
        synthetic = synthetic.sample(frac=1.0, random_state=seed).reset_index(drop=True)
        report.update(
            {
                "empty": False,
                "synthetic_records": len(synthetic),
                "delta": parameters["delta"],
                "reporting_length": REPORTING_LENGTH,
                "parameters": parameters,
                "synthesis_seconds": round(synthesised - started, 2),
                "utility": utility_report(real, synthetic, seed),
                "risk": risk_report(real, synthetic, epsilon, seed),
            }
        )
    report["seconds"] = round(time.monotonic() - started, 2)
    data = _csv_bytes(synthetic)
    write_atomic(output, lambda stream: _write_bytes(stream, data))
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
            "seed": seed,
            "real_records": n,
            "output": output.name,
        },
        report=report,
    )
    audit_release(scope, release)
    return release


def _write_bytes(stream: IO[bytes], data: bytes) -> None:
    stream.write(data)


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
