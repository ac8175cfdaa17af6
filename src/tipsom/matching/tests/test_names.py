"""Normal forms of names across the scripts of tipsom's countries, and their comparison (matching.names)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from tipsom.matching.names import (
    block_values,
    equivalents,
    equivalents_reload,
    fold,
    name_forms,
    name_similarity,
    skeleton,
    transliterate,
)
from tipsom.matching.names.equivalents import DATA_FILE
from tipsom.matching.names.forms import spelling_key

STRONG = ("exact", "canonical")
AT_LEAST_CLOSE = ("exact", "canonical", "close")


def compare(left: str, right: str) -> str:
    return name_similarity(name_forms(left), name_forms(right)).level


# --- The pairs the issue names -------------------------------------------------------------------------------------


def test_the_same_name_in_cyrillic_and_latin_is_canonical_or_exact() -> None:
    assert compare("Ольга Коваленко", "Olha Kovalenko") in STRONG
    assert compare("Ольга Коваленко", "Olga Kovalenko") in STRONG


def test_an_arabic_name_and_its_latin_spelling_are_canonical() -> None:
    assert compare("محمد عبد الرحمن", "Mohamed Abdelrahman") in STRONG
    assert compare("محمد عبد الرحمن", "Muhammad Abdul Rahman") in STRONG
    assert compare("مُحَمَّد عَبْدُ الرَّحْمٰن", "Mohammed Abdurrahman") in STRONG  # with harakat


def test_mahmoud_abdelrahim_is_not_muhammad_abdelrahman() -> None:
    comparison = name_similarity(name_forms("محمد عبد الرحمن"), name_forms("Mahmoud Abdelrahim"))
    assert comparison.level in ("similar", "different")
    assert "given_different_names" in comparison.reasons
    # Their skeletons are alike ("mhmd"): blocking may bring them together, only comparison tells them apart.
    assert skeleton("mahmoud") == skeleton("muhammad") == "mhmd"


def test_devanagari_and_latin() -> None:
    assert compare("सुनीता कुमारी", "Sunita Kumari") in STRONG


def test_lao_and_latin_are_at_least_close() -> None:
    assert compare("ສົມສັກ ພົມມະວົງ", "Somsak Phommavong") in AT_LEAST_CLOSE
    # Names the table does not know are still close by their transliteration.
    assert compare("ທອງສຸກ ສີພັນດອນ", "Thongsouk Siphandone") in AT_LEAST_CLOSE


def test_a_dropped_part_and_a_swapped_order_are_canonical() -> None:
    comparison = name_similarity(name_forms("Maria da Silva Santos"), name_forms("Santos Maria"))
    assert comparison.level == "canonical"
    assert "order_differs" in comparison.reasons
    assert "dropped:family" in comparison.reasons


def test_a_dropped_patronymic_is_canonical() -> None:
    comparison = name_similarity(name_forms("Коваленко Ольга Петрівна"), name_forms("Olha Kovalenko"))
    assert comparison.level == "canonical"
    assert "dropped:patronymic" in comparison.reasons


def test_namesakes_with_another_family_name_are_not_close() -> None:
    assert compare("Natalia Kuznetsova", "Natalia Kovaleva") in ("similar", "different")


# --- Further pairs across scripts, as a benchmark would draw them ------------------------------------------------

SAME_PERSON = [
    ("وليد هشام", "Walid Hesham"),
    ("تامر أشرف", "Tamer Ashraf"),
    ("شريف مجدي", "Sherif Magdy"),
    ("أحمد حجازي", "Ahmed Hegazy"),
    ("محمد السيسي", "Mohamed El Sisi"),
    ("عبد الله الشرقاوي", "Abdellah Charkaoui"),
    ("پرویز مشرف", "Pervez Musharraf"),
    ("شازیہ پروین", "Shazia Parveen"),
    ("فاطمہ بی بی", "Fatima Bibi"),
    ("سعيد بن علي", "Said Ben Ali"),
    ("Григорій Сидоренко", "Hryhorii Sydorenko"),
    ("Григорий Сидоренко", "Grigory Sidorenko"),
    ("Наталія Коваленко", "Natalia Kovalenko"),
    ("Олександр Шевченко", "Aleksandr Shevchenko"),
    ("Аляксандр Лукашэнка", "Alexander Lukashenko"),
    ("Жылдыз Асанова", "Zhyldyz Asanova"),
    ("रमेश बस्नेत", "Ramesh Basnet"),
    ("लक्ष्मी श्रेष्ठ", "Laxmi Shrestha"),
    ("मन बहादुर गुरुङ", "Man Bahadur Gurung"),
    ("निर्मला पन्त", "Nirmala Pant"),
    ("ບຸນມີ ແກ້ວ", "Bounmy Keo"),
    ("ຄຳພອນ ໄຊຍະວົງ", "Khamphone Xayavong"),
    ("ວຽງສະໄໝ ສຸລິວົງ", "Viengsamay Soulivong"),
    ("José da Silva", "Jose Silva"),
    ("João Gonçalves", "Joao Goncalves"),
]


@pytest.mark.parametrize(("left", "right"), SAME_PERSON)
def test_the_same_name_across_scripts_and_spellings_is_at_least_close(left: str, right: str) -> None:
    assert compare(left, right) in AT_LEAST_CLOSE
    assert block_values(name_forms(left)) & block_values(name_forms(right))


DIFFERENT_PEOPLE = [
    ("Mohamed Ali", "Mahmoud Ali"),
    ("هشام علي", "Hashim Ali"),
    ("Olga Kovalenko", "Olena Kovalenko"),
    ("Ivan Petrov", "Ivan Popov"),
    ("Somsak Phommavong", "Somphone Phommavong"),
    ("Sunita Kumari", "Sita Kumari"),
    ("Fatima Traore", "Fatoumata Diallo"),
    ("Maria Santos", "Mario Santos"),
    ("Ahmed Hassan", "Hassan Ahmed Ali Omar"),
]


@pytest.mark.parametrize(("left", "right"), DIFFERENT_PEOPLE)
def test_different_names_are_never_close(left: str, right: str) -> None:
    assert compare(left, right) in ("similar", "different")


def test_a_single_word_against_a_full_name_is_at_most_similar() -> None:
    comparison = name_similarity(name_forms("Maria"), name_forms("Maria Santos"))
    assert comparison.level == "similar"
    assert "one_word_only" in comparison.reasons


def test_comparison_is_symmetric_in_level() -> None:
    for left, right in SAME_PERSON[:8] + DIFFERENT_PEOPLE:
        forward = name_similarity(name_forms(left), name_forms(right))
        backward = name_similarity(name_forms(right), name_forms(left))
        assert forward.level == backward.level
        assert forward.score == pytest.approx(backward.score)


# --- fold ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("أحمد", "احمد"),  # alef with hamza above
        ("إبراهيم", "ابراهيم"),  # alef with hamza below
        ("آمنة", "امنه"),  # alef madda; ta marbuta
        ("ٱلله", "الله"),  # alef wasla
        ("مصطفى", "مصطفي"),  # alef maqsura
        ("علی", "علي"),  # Farsi/Urdu yeh
        ("کریم", "كريم"),  # keheh to kaf
        ("مُحَمَّدٌ", "محمد"),  # harakat, shadda, tanwin
        ("الرحمٰن", "الرحمن"),  # superscript alef
        ("مـحـمـد", "محمد"),  # tatweel
        ("  OLGA   Коваленко ", "olga коваленко"),
        ("Straße", "strasse"),
        ("ﬁ", "fi"),  # NFKC
    ],
)
def test_fold(written: str, folded: str) -> None:
    assert fold(written) == folded


def test_fold_keeps_the_marks_devanagari_and_lao_need() -> None:
    assert fold("सुनीता") == "सुनीता"
    assert fold("ສົມສັກ") == "ສົມສັກ"
    assert fold("José") == "josé"  # the native form keeps accents; the Latin form drops them
    assert name_forms("José").parts[0].latin == "jose"


def test_fold_keeps_the_urdu_consonants() -> None:
    assert fold("ٹڈڑں") == "ٹڈڑں"


# --- transliterate -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "latin"),
    [
        ("ສົມສັກ ພົມມະວົງ", "somsak phommavong"),
        ("ແກ້ວ", "kaeo"),  # the vowel written before its consonant (anyascii: "ekv")
        ("ພອນ", "phon"),  # ອ as the vowel o (anyascii: "phn")
        ("ຄຳ", "kham"),  # sara am, split by NFKC
        ("ສີສະຫວັດ", "sisavat"),  # silent ຫ, final ດ
        ("ນ້ອຍ", "noy"),
        ("लक्ष्मी", "lakshmi"),  # inherent vowel (anyascii: "lksmi")
        ("राम", "ram"),  # final inherent vowel silent
        ("कृष्ण", "krishna"),  # kept after a cluster
        ("गुरुङ", "gurung"),
        ("सुनीता कुमारी", "sunita kumari"),
        ("Григорій", "hryhorii"),  # Ukrainian romanisation
        ("Григорий", "grigoriy"),  # Russian
        ("Дар'я", "daria"),
        ("Үмүт", "umut"),  # Kyrgyz
        ("محمود", "mhmud"),  # long vowel kept, short ones not written
        ("ٹیپو", "tipu"),  # Urdu letters
        ("Nguyễn Đặng", "nguyen dang"),
        ("", ""),
    ],
)
def test_transliterate(written: str, latin: str) -> None:
    assert transliterate(written) == latin


def test_transliterate_is_ascii_lower_case_letters() -> None:
    for text in ("عائشہ بی بی", "Їжак Ґанна", "श्रेष्ठ", "ໄຊ", "王伟", "Ιωάννης"):
        latin = transliterate(text)
        assert latin and all(char == " " or "a" <= char <= "z" for char in latin)


# --- skeleton and table --------------------------------------------------------------------------------------------


def test_skeleton_brings_spellings_of_one_name_together() -> None:
    assert {skeleton(word) for word in ("mohammed", "muhammad", "mohamed", "mohamad", "mhmd")} == {"mhmd"}
    spellings = ("abdelrahman", "abdulrahman", "abdurrahman", "abdalrahman", transliterate("عبدالرحمن"))
    assert {skeleton(word) for word in spellings} == {"bdrhmn"}
    assert skeleton("fatimah") == skeleton("fatima") == skeleton(transliterate("فاطمة"))
    assert skeleton("kowalenko") == skeleton("kovalenko")
    assert skeleton("gamal") == skeleton("jamal")
    assert skeleton("") == ""


def test_skeleton_of_spellings_the_batch_missed() -> None:
    # Cyrillic г is g in Russian spellings, h in Ukrainian ones, and a text without Ukrainian letters does not say.
    assert skeleton(transliterate("Гончаренко")) == skeleton("honcharenko") == skeleton("goncharenko")
    # The h of a digraph is not the final h of a ta marbuta: Bogdanovitch keeps its ch.
    assert skeleton("bogdanovitch") == skeleton("bogdanovich") == skeleton(transliterate("Богданович"))
    # ز or س before ه / ح is not the digraph zh / sh.
    assert skeleton(transliterate("زهراء")) == skeleton("zahra")
    assert skeleton(transliterate("سحر")) == skeleton("sahar")
    # Ta marbuta after alef is spoken t.
    assert skeleton(transliterate("نجاة")) == skeleton("najat")


def test_french_soft_c_joined_latin_article_and_urdu_letters() -> None:
    assert skeleton("naciri") == skeleton(transliterate("الناصري").split()[-1]) == "nsr"
    assert skeleton("elkholy") == skeleton(transliterate("الخولي").split()[-1])  # the article goes before a consonant
    assert skeleton("alisher") == skeleton(transliterate("Алишер")) == "lsr"  # not before a vowel
    # Urdu reads ث as s, a final ہ as a: the name's Urdu letters tell.
    assert [part.latin for part in name_forms("ثمینہ").parts] == ["smina"]  # short vowels unwritten
    assert [part.latin for part in name_forms("ثامر").parts] == ["thamr"]  # Arabic: th


def test_spelling_form_reads_transliterations_alike() -> None:
    from tipsom.matching.names.codes import spelling_form

    assert spelling_form("iarochevitch") == spelling_form(transliterate("Ярошевич"))
    assert spelling_form("deena") == spelling_form(transliterate("دينا"))
    assert spelling_form("mohamed") != spelling_form("mahmoud")


def test_latin_article_joined_compound_given_names_and_ben_family_names() -> None:
    assert [part.latin for part in name_forms("Elsayed").significant()] == ["sayed"]
    assert name_forms("السيد").canonical == name_forms("Elsayed").canonical
    assert name_forms("Fatimazahra").canonical == name_forms("Fatima Zahra").canonical
    assert name_forms("فاطمة الزهراء").canonical == name_forms("Fatima Zahra").canonical
    # Not a Lao name whose syllables are names of their own, nor a word the table does not split into two names.
    assert len(name_forms("Khamphone").parts) == 1
    assert len(name_forms("Alexandra").parts) == 1
    assert name_forms("Karim", "Ben Ali").canonical == name_forms("Karim", "بنعلي").canonical


def test_the_table_knows_a_name_in_every_script() -> None:
    forms = [name_forms(text) for text in ("Mohammed", "Muhammad", "Mohamed", "Mohamad", "محمد", "Мухаммед", "Md")]
    assert {form.canonical for form in forms} == {"muhammad"}
    assert name_forms("Mahmoud").canonical == name_forms("محمود").canonical == "mahmoud"
    assert {name_forms(text).canonical for text in ("Olha", "Olga", "Ольга")} == {"olga"}
    assert {name_forms(text).canonical for text in ("Natalia", "Natalya", "Наталья", "Наталія")} == {"natalia"}
    assert {name_forms(text).canonical for text in ("Oleksandr", "Aleksandr", "Олександр", "Александр")} == {
        "alexander"
    }
    assert {name_forms(text).canonical for text in ("Fatima", "Fatma", "فاطمة")} == {"fatima"}
    assert name_forms("राम").canonical == "ram"
    assert name_forms("ສົມສັກ").canonical == "somsak"
    assert {name_forms(text).canonical for text in ("Abd al-Rahman", "Abdel Rahman", "عبد الرحمن")} == {"abdelrahman"}


def test_the_shipped_table_is_large_and_unambiguous() -> None:
    names = json.loads(DATA_FILE.read_text(encoding="utf-8"))["names"]
    assert len(names) >= 150
    claimed: dict[str, str] = {}
    for canonical_id, entry in names.items():
        assert entry["kind"] in ("given", "family", "any")
        for spelling in entry["spellings"]:
            key = spelling_key(spelling)
            assert key is not None, spelling
            assert claimed.setdefault(key[0], canonical_id) == canonical_id, f"{spelling} is in two names"


def test_a_country_extends_the_table(tmp_path: Path) -> None:
    extra = tmp_path / "country.json"
    extra.write_text(
        json.dumps({"names": {"zhyldyz": {"kind": "given", "spellings": ["Zhyldyz", "Jyldyz", "Жылдыз"]}}}),
        encoding="utf-8",
    )
    table = equivalents(extra_paths=[extra])
    assert table.lookup("жылдыз", "zhyldyz") == "zhyldyz"
    assert table.lookup("محمد", "mhmd") == "muhammad"  # the shipped table is still there
    assert name_forms("Jyldyz").canonical == "jyldyz"  # not in the table name_forms uses yet
    with override_settings(TIPSOM_NAME_EQUIVALENTS=[str(extra)]):
        equivalents_reload()
        try:
            assert name_forms("Jyldyz").canonical == name_forms("Жылдыз").canonical == "zhyldyz"
        finally:
            equivalents_reload()
    equivalents_reload()
    assert name_forms("Jyldyz").canonical == "jyldyz"


# --- roles ---------------------------------------------------------------------------------------------------------


def roles(*names: str) -> list[tuple[str, str]]:
    return [(part.text, part.role) for part in name_forms(*names).parts]


def test_roles_of_an_east_slavic_name_in_official_order() -> None:
    assert roles("Коваленко Ольга Петрівна") == [
        ("коваленко", "family"),
        ("ольга", "given"),
        ("петрівна", "patronymic"),
    ]
    assert roles("Ivan Petrovich Sidorov")[1] == ("petrovich", "patronymic")


def test_roles_of_an_arabic_name_chain() -> None:
    assert roles("Mohammed bin Salman Al Saud") == [
        ("mohammed", "given"),
        ("bin", "particle"),
        ("salman", "patronymic"),
        ("al", "particle"),
        ("saud", "family"),
    ]
    assert roles("عبد الله بن علي") == [("عبدالله", "given"), ("بن", "particle"), ("علي", "patronymic")]


def test_an_assimilated_article_is_a_particle_only_before_its_sun_letter() -> None:
    assert roles("Youssef as-Sayed") == [("youssef", "given"), ("as", "particle"), ("sayed", "family")]
    assert roles("Gamal Abd an-Nasser") == [("gamal", "given"), ("abdannasser", "family")]
    assert roles("An Nguyen")[0] == ("an", "given")  # a name of its own
    assert roles("Ed Smith")[0] == ("ed", "given")


def test_roles_of_a_kyrgyz_patronymic() -> None:
    assert roles("Бакыт Асан уулу") == [("бакыт", "given"), ("асан", "patronymic"), ("уулу", "particle")]


def test_roles_from_the_fields_a_name_was_given_in() -> None:
    assert roles("Kovalenko", "Olha") == [("kovalenko", "given"), ("olha", "family")]
    assert roles("Maria", "da Silva Santos") == [
        ("maria", "given"),
        ("da", "particle"),
        ("silva", "family"),
        ("santos", "family"),
    ]


def test_a_name_given_in_fields_compares_as_the_same_name_in_one_string() -> None:
    assert name_similarity(name_forms("Olha", "Kovalenko"), name_forms("Ольга Коваленко")).level in STRONG


def test_forms_are_order_free_and_sorted() -> None:
    forms = name_forms("Santos Maria da Silva")
    assert forms.native == "da maria santos silva"
    assert forms.canonical == "maria santos silva"  # particles left out of the order-free key
    assert forms.skeleton == " ".join(sorted(part.skeleton for part in forms.parts if part.role != "particle"))
    assert [part.text for part in forms.parts] == ["santos", "maria", "da", "silva"]  # written order
    assert forms.original_script == "Latn"
    assert name_forms("محمد").original_script == "Arab"
    assert name_forms("राम").original_script == "Deva"
    assert name_forms("ສົມສັກ").original_script == "Laoo"
    assert name_forms("Ольга").original_script == "Cyrl"


# --- block values --------------------------------------------------------------------------------------------------


def test_block_values_of_a_name() -> None:
    values = block_values(name_forms("Maria da Silva Santos"))
    kinds = {kind for kind, _value in values}
    assert kinds == {"skel_full", "skel_pair", "canon_pair", "phon_pair"}
    assert ("canon_pair", "maria santos") in values
    assert not any("da" in value.split() for _kind, value in values)  # particles are not blocked on
    assert block_values(name_forms("Santos Maria")) & values  # a dropped part still meets


def test_block_values_of_a_one_word_name() -> None:
    values = block_values(name_forms("Muhammad"))
    assert ("canon_one", "muhammad") in values
    assert ("skel_one", "mhmd") in values
    assert values & block_values(name_forms("محمد"))


def test_block_values_are_capped_for_long_names() -> None:
    forms = name_forms("Ahmed Mohamed Ali Hassan Ibrahim Youssef Mustafa Khaled Omar Said")
    assert len(block_values(forms)) <= 15
    assert ("canon_pair", "ahmad muhammad") in block_values(forms)  # the given and first names come first


def test_arabic_and_latin_pairs_share_a_skeleton_block() -> None:
    arabic = block_values(name_forms("محمد عبد الرحمن"))
    assert ("skel_pair", "bdrhmn mhmd") in arabic
    assert ("skel_pair", "bdrhmn mhmd") in block_values(name_forms("Mohamed Abdelrahman"))


# --- properties ----------------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.text(max_size=40))
def test_name_forms_never_raises_and_a_name_is_exactly_itself(first: str, second: str) -> None:
    forms = name_forms(first)
    both = name_forms(first, second)
    for value in (forms, both):
        assert isinstance(value.canonical, str)
        assert all(len(part.latin) == len(part.latin.encode("ascii", "ignore")) for part in value.parts)
        assert len(block_values(value)) <= 15
        if value.native:
            assert name_similarity(value, value).level == "exact"
        else:
            assert value.warnings and value.warnings[0] in ("empty", "no_letters")
    name_similarity(forms, both)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Olga", "Коваленко", "محمد", "عبد", "الرحمن", "राम", "ສົມສັກ", "Santos"]), max_size=6))
def test_word_order_does_not_change_the_forms(words: list[str]) -> None:
    forward = name_forms(" ".join(words))
    backward = name_forms(" ".join(reversed(words)))
    if "عبد" not in words:  # "abd" joins the word after it, so its order matters
        assert forward.native == backward.native
        assert forward.canonical == backward.canonical
