"""Batch deduplication (matching.batch) and `tipsom match dedupe --input/--output`: no database involved."""

import csv
import io
import random
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tipsom.core.errors import ApplicationError
from tipsom.matching.batch import Record, dedupe, features, link_csv, parse_birth_date, read_csv

COLUMNS = ["id", "given_name", "family_name", "other_names", "birth_date", "sex", "citizenship"]

# The pairs the issue names, a namesake and a look-alike who are other people, and unrelated persons around them.
PEOPLE = [
    Record("olga-ua", "Ольга", "Коваленко", "", "1999", "F", "UA"),
    Record("olha-lat", "Olha", "Kovalenko", "", "1999-05-14", "F", "UA"),
    Record("olha-namesake", "Olha", "Kovalenko", "", "1971-11-02", "M", "UA"),
    Record("mohamed-ar", "محمد", "عبد الرحمن", "", "1990", "M", "EG"),
    Record("mohamed-lat", "Mohamed", "Abdelrahman", "", "1990-03-02", "M", "EG"),
    Record("mahmoud", "Mahmoud", "Abdelrahim", "", "1990-07-19", "M", "EG"),
    Record("sita", "सीता", "थापा", "", "1988-02-01", "F", "NP"),
    Record("ana", "Ana", "Silva", "", "1975-09-30", "F", "BR"),
    Record("somsak", "ສົມສັກ", "ພົມມະຈັນ", "", "1982-12-12", "M", "LA"),
    Record("bakyt", "Бакыт", "Асанов", "", "2001-01-07", "M", "KG"),
]


def pairs_of(result) -> set[frozenset[str]]:
    return {frozenset((left, right)) for left, right in zip(result.pairs.id_l, result.pairs.id_r, strict=True)}


def test_cross_script_pairs_are_found_and_namesakes_kept_apart():
    result = dedupe(PEOPLE, threshold=0.5)
    assert pairs_of(result) == {frozenset(("olga-ua", "olha-lat")), frozenset(("mohamed-ar", "mohamed-lat"))}
    assert result.counts["model"] == "default"  # ten records: nothing to estimate from
    first = result.pairs.set_index(["id_l", "id_r"]).sort_index()
    for row in first.itertuples():
        assert row.probability >= 0.5
        assert row.name in ("exact", "skeleton_cross")
        assert row.birth_date == "year"  # one side knows only the year
        assert row.sex == "same"
    assert result.clusters["olga-ua"] == result.clusters["olha-lat"] != result.clusters["mohamed-ar"]
    assert "olha-namesake" not in result.clusters and "mahmoud" not in result.clusters


def generated_registry(size: int, seed: int = 7) -> tuple[list[Record], set[frozenset[str]]]:
    """A registry of `size` records of Ukrainian and Egyptian persons (given, family and father's name, few of each,
    so namesakes abound), one in eight registered again in the other script, 30 % of these with the year of birth
    only; the true pairs."""
    rng = random.Random(seed)
    ua = [("Ольга", "Olha"), ("Олена", "Olena"), ("Ірина", "Iryna"), ("Тетяна", "Tetiana"), ("Оксана", "Oksana")]
    ua_family = [
        ("Коваленко", "Kovalenko"),
        ("Шевченко", "Shevchenko"),
        ("Бондаренко", "Bondarenko"),
        ("Мельник", "Melnyk"),
        ("Ткачук", "Tkachuk"),
        ("Кравчук", "Kravchuk"),
        ("Олійник", "Oliinyk"),
    ]
    ua_patronymics = [("Іванівна", "Ivanivna"), ("Петрівна", "Petrivna"), ("Андріївна", "Andriivna"),
                      ("Богданівна", "Bohdanivna"), ("Миколаївна", "Mykolaivna")]  # fmt: skip
    eg = [("محمد", "Mohamed"), ("أحمد", "Ahmed"), ("محمود", "Mahmoud"), ("علي", "Ali"), ("حسن", "Hassan")]
    eg_family = [("إبراهيم", "Ibrahim"), ("حسن", "Hassan"), ("منصور", "Mansour"), ("عثمان", "Osman"),
                 ("سليمان", "Soliman"), ("يوسف", "Youssef")]  # fmt: skip
    records: list[Record] = []
    truth: set[frozenset[str]] = set()
    number = 0
    while len(records) < size:
        country, sex, given, family = (
            ("UA", "F", rng.choice(ua), rng.choice(ua_family)) if number % 2 else
            ("EG", "M", rng.choice(eg), rng.choice(eg_family))
        )  # fmt: skip
        father = rng.choice(eg if country == "EG" else ua_patronymics)
        born = date(rng.randint(1960, 2010), rng.randint(1, 12), rng.randint(1, 28))
        script = rng.randrange(2)
        records.append(
            Record(f"p{number}", given[script], family[script], father[script], born.isoformat(), sex, country)
        )
        if rng.random() < 0.125:
            other = 1 - script
            partial = born.isoformat() if rng.random() < 0.7 else str(born.year)
            records.append(Record(f"p{number}b", given[other], family[other], father[other], partial, sex, country))
            truth.add(frozenset((f"p{number}", f"p{number}b")))
        number += 1
    return records, truth


def test_estimated_model_finds_the_duplicates_of_a_registry():
    records, truth = generated_registry(1500)
    result = dedupe(records, threshold=0.5)
    assert result.counts["model"] == "estimated"
    found = pairs_of(result)
    # 175 names among 1,650 records: a duplicate known by its year of birth only may have a namesake born that
    # year too, and some of those pairs stay below 0.5, rightly.
    assert len(found & truth) / len(truth) >= 0.85
    assert len(found & truth) / len(found) >= 0.95
    birth = result.parameters["fields"]["birth_date"]
    # Estimated from the data: an exact birth date is far more common among duplicates than among other pairs.
    assert birth["exact"][0] > 100 * birth["exact"][1]
    assert 0 < result.parameters["prior"] < 0.01
    assert set(result.seconds) >= {"features", "training", "predicting", "clustering", "total"}


def test_incremental_mode_predicts_only_pairs_with_a_new_record():
    records = [*PEOPLE, Record("olha-again", "Olha", "Kovalenko", "", "1999-05-14", "F", "UA")]
    result = dedupe(records, threshold=0.5, new_ids={"mohamed-lat", "olha-again"})
    found = pairs_of(result)
    assert found == {
        frozenset(("mohamed-ar", "mohamed-lat")),
        frozenset(("olga-ua", "olha-again")),
        frozenset(("olha-lat", "olha-again")),
    }  # the pair olga-ua / olha-lat is old: not predicted again
    assert result.counts["new_records"] == 2


def test_progress_is_reported_step_by_step():
    steps: list[tuple[str, int, int]] = []
    dedupe(PEOPLE, threshold=0.5, progress=lambda step, done, total: steps.append((step, done, total)))
    names = [step for step, _done, _total in steps]
    assert names.index("features") < names.index("predicting") < names.index("clustering")
    assert all(0 <= done <= total for _step, done, total in steps)


def test_bad_rows_are_kept_with_nulls_and_counted():
    bad = [
        *PEOPLE,
        Record("empty", "", "  ", "", "1990", "F", "UA"),
        Record("punct", "!!!", "🙂", "", "1990", "F", "UA"),
        Record("impossible", "Ana", "Souza", "", "2023-02-30", "F", "BR"),
        Record("future", "Ana", "Costa", "", "2999-01-01", "F", "BR"),
        Record("garbage-date", "Ana", "Lima", "", "01/02/1990", "X", "Brazil"),
        Record("long", "A" * 10_000, "Silva", "", "1975", "F", "BR"),
        Record("bidi", "Ol\u202eha", "Kova\x00lenko", "", "1999", "F", "UA"),
        Record("mixed", "Olhа", "Коvalenko", "", "", "U", ""),
    ]
    report: dict[str, int] = {}
    frame = features(bad, report=report)
    assert len(frame) == len(bad)
    rows = frame.set_index("unique_id")
    assert rows.loc["empty", "name_canonical"] is None and rows.loc["punct", "name_canonical"] is None
    assert report["empty_name"] == 2
    assert report["invalid_birth_date"] == 3
    assert rows.loc["impossible", "birth_year"] is pd_na() and rows.loc["future", "dob"] is None
    assert rows.loc["garbage-date", "sex"] is None and rows.loc["garbage-date", "citizenship"] is None
    assert report.get("truncated", 0) >= 1 and report.get("control_chars_removed", 0) >= 1
    assert report.get("mixed_scripts", 0) >= 1
    result = dedupe(bad, threshold=0.5)  # never a crash
    assert frozenset(("olga-ua", "olha-lat")) in pairs_of(result)
    assert result.counts["bad_rows"]["empty_name"] == 2


def pd_na():
    import pandas as pd

    return pd.NA


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1999-04-03", (1999, 4, 3, True)),
        ("1999-04", (1999, 4, None, True)),
        ("1999", (1999, None, None, True)),
        ("", (None, None, None, True)),
        ("2023-02-30", (None, None, None, False)),
        ("2023-13", (None, None, None, False)),
        ("2100-01-01", (None, None, None, False)),
        ("1850", (None, None, None, False)),
        ("99-04-03", (None, None, None, False)),
        ("1999-4-3", (None, None, None, False)),
    ],
)
def test_birth_dates_are_read_partial_or_not_at_all(text, expected):
    assert parse_birth_date(text, today=date(2026, 12, 4)) == expected


def write_list(path: Path, records: list[Record]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for r in records:
            writer.writerow([r.id, r.given_name, r.family_name, r.other_names, r.birth_date, r.sex, r.citizenship])
    return path


def test_csv_list_end_to_end_through_the_command(tmp_path):
    source = write_list(tmp_path / "list.csv", PEOPLE)
    output = tmp_path / "pairs.csv"
    out, err = io.StringIO(), io.StringIO()
    call_command("match", "dedupe", "--input", str(source), "--output", str(output), "--threshold", "0.5",
                 stdout=out, stderr=err)  # fmt: skip
    with output.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["id_l", "id_r", "probability"]
    assert {frozenset((row["id_l"], row["id_r"])) for row in rows} == {
        frozenset(("olga-ua", "olha-lat")),
        frozenset(("mohamed-ar", "mohamed-lat")),
    }
    assert all(0.5 <= float(row["probability"]) <= 1 for row in rows)
    assert "10 records; 2 pairs judged the same person" in out.getvalue()
    assert "100%" in err.getvalue() and "scoring pairs" in err.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,given_name,family_name,birth_date,sex,citizenship\n1,Ana,Silva,1990,F,BR\n", "other_names"),
        (
            "id,given_name,family_name,other_names,birth_date,sex,citizenship\n1,Olçay,X,,1990,F,BR\n".encode(
                "latin-1"
            ),
            "not UTF-8",
        ),
        (b"", "empty"),
        (b"id,given_name,family_name,other_names,birth_date,sex,citizenship\n", "no rows"),
        (b"id,given_name,family_name,other_names,birth_date,sex,citizenship\n1,A,B,,,F,BR\n1,C,D,,,F,BR\n", "twice"),
        (b"id,given_name,family_name,other_names,birth_date,sex,citizenship\n,A,B,,,F,BR\n", "no id"),
    ],
)
def test_a_bad_list_is_refused_and_nothing_is_written(tmp_path, content, message):
    source = tmp_path / "list.csv"
    source.write_bytes(content)
    output = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match=message):
        call_command("match", "dedupe", "--input", str(source), "--output", str(output), stderr=io.StringIO())
    assert not output.exists()
    with pytest.raises(ApplicationError):
        read_csv(source)


def test_list_mode_refuses_missing_files_and_overwriting_its_input(tmp_path):
    source = write_list(tmp_path / "list.csv", PEOPLE)
    with pytest.raises(ApplicationError) as missing:
        link_csv(tmp_path / "nope.csv", tmp_path / "out.csv")
    assert missing.value.code == "csv_unreadable"
    with pytest.raises(ApplicationError) as same:
        link_csv(source, source)
    assert same.value.code == "csv_same_file"
    assert source.read_text(encoding="utf-8").startswith("id,given_name")
    with pytest.raises(CommandError, match="go together"):
        call_command("match", "dedupe", "--input", str(source))
    with pytest.raises(CommandError):
        call_command("match", "dedupe", "--input", str(source), "--output", str(tmp_path / "o.csv"),
                     "--threshold", "1.5")  # fmt: skip


def test_fuzzy_levels_of_a_rare_name_stand_apart_and_cross_script_spellings_are_compared_as_heard():
    records = [
        Record("rare-1", "Pavel", "Iarochevitch", "", "1960-01-18", "M", "BY"),
        Record("rare-2", "Павел", "Ярошевич", "", "1960-01-18", "M", "BY"),
        Record("common-1", "Olha", "Kovalenko", "", "1971-11-02", "F", "UA"),
        Record("common-2", "Olha", "Kovalenko", "", "1985-04-09", "F", "UA"),
        Record("common-3", "Olha", "Kovalenko", "", "1990-01-01", "F", "UA"),
        Record("common-4", "Olha", "Kovalenkko", "", "1990", "F", "UA"),
        Record("common-5", "Olha", "Kovalenko", "", "2001-03-03", "F", "UA"),
    ]
    frame = features(records).set_index("unique_id")
    # The core name's count: the "_rare" levels read the commoner side of a pair.
    assert frame.loc["rare-1", "core_count"] == 1
    assert frame.loc["common-1", "core_count"] == 4
    # Cross-script spellings compared as the skeleton hears them, vowels in classes: French -itch and Cyrillic -ич.
    assert frame.loc["rare-1", "family_norm"] == frame.loc["rare-2", "family_norm"]
    result = dedupe(records, threshold=0.01)
    levels = {frozenset((row.id_l, row.id_r)): row.name for row in result.pairs.itertuples()}
    assert levels[frozenset(("rare-1", "rare-2"))] in ("close_cross", "skeleton_rare", "skeleton")
    assert levels.get(frozenset(("common-3", "common-4"))) == "close"  # a typo of a name four records hold


def test_a_namesake_with_another_patronymic_is_not_close():
    records = [
        Record("a", "Бакыт", "Абдраимов", "Талантович", "1976-10-11", "M", "KG"),
        Record("b", "Бакыт", "Абдраимов", "Азаматович", "1977-10-11", "M", "KG"),
        Record("c", "Bakyt", "Abdraimov", "Talantovich", "1976-10-11", "M", "KG"),
        Record("d", "Bakyt", "Abdraimovv", "Talantovitch", "1976-10-11", "M", "KG"),
    ]
    frame = features(records).set_index("unique_id")
    assert frame.loc["a", "other_norm"] == frame.loc["c", "other_norm"]
    result = dedupe(records, threshold=0.01)
    levels = {frozenset((row.id_l, row.id_r)): row.name for row in result.pairs.itertuples()}
    # Given and family names equal, patronymics differ: not "close" (a namesake with another father).
    assert levels.get(frozenset(("a", "b"))) not in ("close", "close_rare", "close_cross")
    # A typo in the family name and another spelling of the same patronymic: close.
    assert levels[frozenset(("c", "d"))] in ("close", "close_rare")


def test_two_names_the_table_tells_apart_are_not_close_however_alike_their_letters():
    records = [
        Record("mahmoud", "محمود", "عثمان", "", "1963-04-27", "M", "EG"),
        Record("muhammad", "محمد", "عثمان", "", "1963-04-27", "M", "EG"),
    ]
    frame = features(records).set_index("unique_id")
    assert (frame.loc["mahmoud", "given_canon"], frame.loc["muhammad", "given_canon"]) == ("mahmoud", "muhammad")
    result = dedupe(records, threshold=0.01)
    levels = {frozenset((row.id_l, row.id_r)): row.name for row in result.pairs.itertuples()}
    assert levels.get(frozenset(("mahmoud", "muhammad"))) not in ("close", "close_rare", "close_cross")
