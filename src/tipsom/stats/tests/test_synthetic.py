"""The synthetic release: codebook v2 columns and codes, epsilon refused when meaningless, the utility and risk
report (checked here against counts made by hand), an empty scope, too few victims, the command."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError
from tipsom.organizations.testing import make_organization
from tipsom.stats.ctdc.export import victim_frame
from tipsom.stats.exports import Scope
from tipsom.stats.models import VictimFact
from tipsom.stats.synthetic import (
    DELTA,
    PART_SIZE,
    SYNTHETIC_COLUMNS,
    Coded,
    delta_for,
    part_count,
    synthesise,
    synthetic_export,
    synthetic_input,
    unique_match_share,
)
from tipsom.stats.tests.test_ctdc_export import victim, victim_population


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.django_db
def test_the_real_records_in_codebook_v2() -> None:
    organization = make_organization("BR")
    VictimFact.objects.bulk_create(
        [
            victim(
                organization,
                sex="F",
                age=16,
                citizenship="VE",
                exploitation_country="BR",
                exploitation_months=14,
                exploitation_types=["SexualExploitation", "ForcedMarriage"],
                sex_exploitation_types=["Prostitution"],
                means_of_control=["TakesEarnings", "ThreatsLawEnforcement", "SexualAbuse", "RestrictsMedicalCare"],
                recruiter_relations=["Familial"],
            ),
            victim(
                organization, sex="O", age=None, citizenship="ZZ", exploitation_country="", exploitation_months=None
            ),
        ]
    )
    rows = synthetic_input(victim_frame(VictimFact.objects.all())).to_dict("records")
    assert len(rows[0]) == 27 and list(rows[0]) == list(SYNTHETIC_COLUMNS)
    first, second = rows
    assert (first["yearOfRegistration"], first["gender"], first["ageBroad"]) == ("2023", "Woman", "9--17")
    assert (first["citizenship"], first["CountryOfExploitation"], first["traffickMonths"]) == ("VEN", "BRA", "13--24")
    ones = {column for column, value in first.items() if value == "1"}
    assert ones == {
        "meansDebtBondageEarnings",
        "meansThreats",
        "meansAbusePsyPhySex",
        "meansDenyBasicNeeds",
        "isSexualExploit",
        "isOtherExploit",
        "typeOfSexProstitution",
        "recruiterRelationFamily",
    }
    assert set(first.values()) <= {"", "1", "2023", "Woman", "9--17", "VEN", "BRA", "13--24"}  # no zeros
    assert (second["gender"], second["ageBroad"], second["citizenship"]) == ("Trans/Transgender/NonConforming", "", "")
    assert (second["CountryOfExploitation"], second["traffickMonths"]) == ("", "")


@pytest.mark.django_db
def test_a_release_with_its_report(tmp_path: Path) -> None:
    organization = make_organization("BR")
    VictimFact.objects.bulk_create(victim_population(organization, 600, seed=5))
    output = tmp_path / "synthetic.csv"
    release = synthetic_export(Scope(country="BR"), epsilon=4.0, output=output, seed=3)
    rows = read_csv(output)
    with output.open(newline="", encoding="utf-8") as stream:
        assert tuple(next(csv.reader(stream))) == SYNTHETIC_COLUMNS
    assert len(rows) == release.records > 0
    assert all(row[column] in ("", "1") for row in rows for column in SYNTHETIC_COLUMNS[6:])
    report = json.loads(Path(f"{output}.report.json").read_text())
    assert report["epsilon"] == 4.0 and report["reporting_length"] == 2 and report["seed"] == 3
    assert report["real_records"] == 600 and report["synthetic_records"] == len(rows)
    # delta is public: pac-synth's 1/(n ln n) for a part of PART_SIZE victims, whatever the data.
    assert report["delta"] == DELTA == pytest.approx(1 / (PART_SIZE * math.log(PART_SIZE)))
    assert report["parts"] == 1 and report["part_size"] == PART_SIZE  # 600 victims: one part
    # pac-synth sampled as many records as its DP count of the part (noise of about 50 at epsilon 4), near 600.
    assert report["parameters"]["dp_number_of_records"] == len(rows)
    assert abs(len(rows) - 600) < 250
    assert "(4, " in report["guarantee"] and "parallel composition" in report["guarantee"]
    # The report's marginals: the true counts are the facts' own, the synthetic ones the file's.
    genders = report["utility"]["one_way"]["gender"]
    true_women = VictimFact.objects.filter(sex="F").count()
    assert genders["values"]["Woman"][0] == true_women
    assert genders["values"]["Woman"][1] == sum(1 for row in rows if row["gender"] == "Woman")
    shares_true = {key: value[0] / 600 for key, value in genders["values"].items()}
    shares_synthetic = {key: value[1] / len(rows) for key, value in genders["values"].items()}
    tvd = 0.5 * sum(abs(shares_true[key] - shares_synthetic[key]) for key in shares_true)
    assert genders["tvd"] == pytest.approx(tvd, abs=1e-4)
    assert genders["mae"] == pytest.approx(
        sum(abs(value[0] - value[1]) for value in genders["values"].values()) / len(genders["values"]), abs=1e-3
    )
    assert set(report["utility"]["two_way"]) >= {"gender x ageBroad", "citizenship x isForcedLabour"}
    assert 0 <= report["utility"]["two_way_mean_tvd"] <= 1
    risk = report["risk"]
    assert 0 <= risk["released_unique_match_share"] <= 1
    holdout = risk["holdout"]
    assert holdout["run"] is True and holdout["training_records"] == 300
    assert 0 <= holdout["share_closer_to_training"] <= 1
    distance = risk["released_distance"]
    assert distance["synthetic_records"] == len(rows) and distance["real_records"] == 600
    assert 0 <= distance["exact_match_share"] <= 1 and 0 <= distance["mean_distance"] <= 27
    event = AuditEvent.objects.get(action="stats.export.synthetic")
    assert event.changes["records"] == len(rows) and event.changes["fields"] == 27
    assert event.changes["parameters"]["epsilon"] == 4.0 and event.changes["parameters"]["real_records"] == 600


def test_the_unique_match_share_counts_only_unique_real_records() -> None:
    import pandas as pd

    real = pd.DataFrame({"a": ["x", "x", "y", "z"], "b": ["1", "1", "", "1"]})
    synthetic = pd.DataFrame({"a": ["x", "y", "y", "w"], "b": ["1", "", "1", "1"]})
    # (x,1) is in the real data twice: not unique. (y,'') is unique and copied once: 1 of 4.
    assert unique_match_share(real, synthetic) == 0.25


def test_the_number_of_parts_comes_from_a_noisy_count() -> None:
    import numpy as np

    # With epsilon 1e9 the Laplace noise is below 1e-8: the parts are round(n / part_size), at least one.
    rng = np.random.default_rng(0)
    assert part_count(12_600, 1e9, rng, part_size=5000) == 3
    assert part_count(12_400, 1e9, rng, part_size=5000) == 2
    assert part_count(600, 1e9, rng, part_size=5000) == 1
    # At epsilon 0.04 (1% of 4) the noise has scale 25: 10,000 victims in parts of 5,000 are still two parts.
    assert {part_count(10_000, 0.04, np.random.default_rng(seed), part_size=5000) for seed in range(50)} == {2}
    assert delta_for(5000) == pytest.approx(1 / (5000 * math.log(5000)))


def test_parts_are_synthesised_apart_and_joined() -> None:
    import numpy as np
    import pandas as pd

    # 1,200 records of two columns in parts of 300: about four parts, each at the full epsilon.
    rng = np.random.default_rng(1)
    real = pd.DataFrame(
        {
            "a": rng.choice(["x", "y", "z"], size=1200, p=[0.6, 0.3, 0.1]),
            "b": rng.choice(["1", ""], size=1200, p=[0.7, 0.3]),
        }
    )
    coded = Coded.encode(real)
    assert coded.frame().equals(real)
    synthetic, parameters, held = synthesise(coded, 4.0, part_size=300, holdout=coded.codes[:300])
    assert parameters["parts"] == 4 and parameters["part_size"] == 300
    assert parameters["delta"] == pytest.approx(1 / (300 * math.log(300)))
    assert parameters["epsilon_count"] == pytest.approx(0.04) and parameters["epsilon_part"] == pytest.approx(3.96)
    # Each part sampled its own DP count (noise of about 50 each): together about the 1,200 victims.
    assert len(synthetic) == parameters["dp_number_of_records"] and abs(len(synthetic) - 1200) < 500
    frame = synthetic.frame()
    assert set(frame["a"]) <= {"x", "y", "z", ""} and set(frame["b"]) <= {"1", ""}
    # The marginals survive the split: x is about 60% of the synthetic records as of the real ones.
    assert abs((frame["a"] == "x").mean() - 0.6) < 0.1
    assert held is not None and abs(len(held) - 300) < 250


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("epsilon", "message"),
    [
        (0, "greater than 0"),
        (-1, "greater than 0"),
        (float("nan"), "greater than 0"),
        (25, "above 20 gives no meaningful privacy"),
        (float("inf"), "above 20"),
        ("four", "must be a number"),
    ],
)
def test_a_meaningless_epsilon_is_refused(tmp_path: Path, epsilon: Any, message: str) -> None:
    make_organization("BR")
    with pytest.raises(ApplicationError, match=message):
        synthetic_export(Scope(country="BR"), epsilon=epsilon, output=tmp_path / "s.csv")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_an_empty_scope_writes_the_header_only(tmp_path: Path) -> None:
    make_organization("BR")
    output = tmp_path / "s.csv"
    release = synthetic_export(Scope(country="BR"), epsilon=4.0, output=output)
    assert output.read_text() == ",".join(SYNTHETIC_COLUMNS) + "\n"
    assert release.report["empty"] is True and release.records == 0
    assert AuditEvent.objects.get(action="stats.export.synthetic").changes["records"] == 0


@pytest.mark.django_db
def test_too_few_victims_are_refused(tmp_path: Path) -> None:
    organization = make_organization("BR")
    VictimFact.objects.bulk_create([victim(organization) for _ in range(30)])
    with pytest.raises(ApplicationError, match=r"Too few victims \(30\)"):
        synthetic_export(Scope(country="BR"), epsilon=4.0, output=tmp_path / "s.csv")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    organization = make_organization("BR")
    VictimFact.objects.bulk_create(victim_population(organization, 300, seed=9))
    output = tmp_path / "s.csv"
    call_command("export", "synthetic", "--epsilon", "4", "--output", str(output), "--country", "BR", "--seed", "1")
    out = capsys.readouterr().out
    assert "from 300 victims, epsilon 4.0" in out and "Mean total variation distance" in out
    assert output.exists() and Path(f"{output}.report.json").exists()


@pytest.mark.django_db
def test_the_command_refuses_a_bad_epsilon(tmp_path: Path) -> None:
    make_organization("BR")
    with pytest.raises(CommandError, match="must be a number"):
        call_command("export", "synthetic", "--epsilon", "lots", "--output", str(tmp_path / "s.csv"), "--country", "BR")
    assert list(tmp_path.iterdir()) == []
