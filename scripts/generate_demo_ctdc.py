"""Write demo/ctdc-global-sample.csv: an invented dataset in the shape of CTDC's global k-anonymised dataset
(codebook v6), for the demo's comparison with global data. Not CTDC's data: every row is drawn at random, with
proportions of the order CTDC and UNODC publish (more women than men, sexual exploitation and forced labour the
main forms, a third of victims minors, data from case management and hotlines), and a leading index column and
"-99" for missing values as CTDC's file has. Run: .venv/bin/python scripts/generate_demo_ctdc.py"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tipsom.stats.ctdc.codebook import CTDC_COLUMNS  # noqa: E402

OUTPUT = ROOT / "demo" / "ctdc-global-sample.csv"
ROWS = 4_000
SEED = 2026

CITIZENSHIPS = {
    "PH": 14, "UA": 10, "MD": 8, "US": 7, "KH": 6, "ID": 6, "MM": 5, "BY": 4, "HT": 4, "VN": 4, "NP": 3,
    "NG": 3, "CO": 3, "BR": 2, "PK": 2, "EG": 2, "ML": 2, "NE": 2, "KG": 2, "LA": 2, "MA": 2, "ZA": 1, "ZZ": 4,
}  # fmt: skip
DESTINATIONS = {"US": 25, "RU": 8, "UA": 6, "MY": 5, "TH": 5, "AE": 5, "SA": 4, "TR": 4, "PL": 3, "ZZ": 10}
AGE_BANDS = {"0--8": 4, "9--17": 22, "18--20": 12, "21--23": 11, "24--26": 10, "27--29": 9, "30--38": 16,
             "39--47": 8, "48+": 4, "-99": 4}  # fmt: skip
FORMS = {"isSexualExploit": 48, "isForcedLabour": 38, "isOtherExploit": 8, "isForcedMarriage": 3, "-99": 3}
LABOUR = ["typeOfLabourAgriculture", "typeOfLabourConstruction", "typeOfLabourDomesticWork", "typeOfLabourHospitality",
          "typeOfLabourManufacturing", "typeOfLabourBegging"]  # fmt: skip
MEANS = ["meansOfControlDebtBondage", "meansOfControlTakesEarnings", "meansOfControlThreats",
         "meansOfControlPsychologicalAbuse", "meansOfControlPhysicalAbuse", "meansOfControlFalsePromises",
         "meansOfControlRestrictsMovement", "meansOfControlWithholdsDocuments"]  # fmt: skip


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _concatenated(chosen: list[str], prefix: str) -> str:
    return ";".join(column.removeprefix(prefix) for column in chosen) or "-99"


def row(rng: random.Random) -> dict[str, str]:
    values = dict.fromkeys(CTDC_COLUMNS, "-99")
    values["yearOfRegistration"] = str(rng.randint(2010, 2021))
    values["Datasource"] = "Case Management" if rng.random() < 0.62 else "Hotline"
    values["gender"] = "Female" if rng.random() < 0.71 else "Male"
    band = _pick(rng, AGE_BANDS)
    values["ageBroad"] = band
    minor = band in ("0--8", "9--17")
    values["majorityStatus"] = "-99" if band == "-99" else "Minor" if minor else "Adult"
    values["majorityStatusAtExploit"] = values["majorityStatus"]
    values["citizenship"] = _pick(rng, CITIZENSHIPS)
    values["CountryOfExploitation"] = _pick(rng, DESTINATIONS)
    form = _pick(rng, FORMS)
    if form != "-99":
        for column in ("isForcedLabour", "isSexualExploit", "isOtherExploit", "isSexAndLabour", "isForcedMarriage",
                       "isForcedMilitary", "isOrganRemoval", "isSlaveryAndPractices"):  # fmt: skip
            if column in values:
                values[column] = "1" if column == form else "0"
        values["typeOfExploitConcatenated"] = {
            "isSexualExploit": "Sexual exploitation",
            "isForcedLabour": "Forced labour",
            "isOtherExploit": "Other",
            "isForcedMarriage": "Forced marriage",
        }[form]
    if form == "isForcedLabour":
        chosen = [column for column in LABOUR if rng.random() < 0.25] or [rng.choice(LABOUR)]
        for column in LABOUR:
            values[column] = "1" if column in chosen else "0"
        values["typeOfLabourConcatenated"] = _concatenated(chosen, "typeOfLabour")
    if form == "isSexualExploit":
        values["typeOfSexProstitution"] = "1"
        values["typeOfSexConcatenated"] = "Prostitution"
    if rng.random() < 0.7:
        chosen = [column for column in MEANS if rng.random() < 0.3] or [rng.choice(MEANS)]
        for column in MEANS:
            values[column] = "1" if column in chosen else "0"
        values["meansOfControlConcatenated"] = _concatenated(chosen, "meansOfControl")
    return values


def main() -> None:
    rng = random.Random(SEED)  # noqa: S311 (invented demo data, not a secret)
    OUTPUT.parent.mkdir(exist_ok=True)
    with OUTPUT.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["", *CTDC_COLUMNS])
        for index in range(ROWS):
            values = row(rng)
            writer.writerow([index, *(values[column] for column in CTDC_COLUMNS)])
    print(f"{OUTPUT.relative_to(ROOT)}: {ROWS} invented rows in CTDC's codebook v6 columns")


if __name__ == "__main__":
    main()
