"""Writes demo/morocco-register.xlsx: a synthetic register of past cases as a Moroccan agency might keep it in a
spreadsheet before tipsom (French headings, names in Arabic and in Latin letters, dates as dd/mm/yyyy, words
instead of codes), to try the import of legacy registers with. Every name is invented. Two rows are wrong on purpose
(an identification date in the future, a nationality no code list knows), so the import shows its error file.

    .venv/bin/python scripts/generate_demo_register.py [--rows 150] [--output demo/morocco-register.xlsx]
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HEADINGS = [
    "N° dossier",
    "Nom et prénom (arabe)",
    "Nom et prénom (latin)",
    "Sexe",
    "Date de naissance",
    "Nationalité",
    "Date d'identification",
    "Région",
    "Forme d'exploitation",
    "Type de dossier",
]
GIVEN = {
    "F": [("فاطمة الزهراء", "Fatima Zahra"), ("خديجة", "Khadija"), ("سعاد", "Souad"), ("نادية", "Nadia")],
    "M": [("يوسف", "Youssef"), ("مهدي", "Mehdi"), ("رشيد", "Rachid"), ("حمزة", "Hamza"), ("سعيد", "Said")],
}
FAMILY = [("العلوي", "Alaoui"), ("بنعلي", "Benali"), ("الإدريسي", "Idrissi"), ("التازي", "Tazi"), ("الفاسي", "Fassi")]
FOREIGN = {
    "Ivoirienne": [("Aya Koné", "F"), ("Mariam Traoré", "F"), ("Yao Kouassi", "M")],
    "Guinéenne": [("Fatoumata Diallo", "F"), ("Mamadou Bah", "M")],
    "Sénégalaise": [("Awa Ndiaye", "F"), ("Moussa Sarr", "M")],
    "Camerounaise": [("Grace Mbarga", "F"), ("Paul Nkodo", "M")],
    "Philippine": [("Maria Santos", "F"), ("Joy Reyes", "F")],
}
REGIONS = ["Rabat-Salé-Kénitra", "Casablanca-Settat", "Oriental", "Tanger-Tétouan-Al Hoceïma"]
FORMS = ["Exploitation sexuelle", "Travail forcé", "Servitude domestique", "Mendicité forcée"]


def rows(count: int, seed: int = 2019) -> list[list[object]]:
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    out: list[list[object]] = []
    for number in range(1, count + 1):
        identified = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 6 * 365 - 40))
        if rng.random() < 0.55:
            sex = rng.choice("FM")
            given, given_latin = rng.choice(GIVEN[sex])
            family, family_latin = rng.choice(FAMILY)
            arabic, latin, nationality = f"{given} {family}", f"{given_latin} {family_latin}", "Marocaine"
        else:
            nationality = rng.choice(list(FOREIGN))
            latin, sex = rng.choice(FOREIGN[nationality])
            arabic = ""
        age = rng.randint(12, 45)
        born = identified - timedelta(days=age * 365 + rng.randrange(0, 365))
        kind = "Trafic de migrants" if nationality != "Marocaine" and rng.random() < 0.25 else "Traite"
        out.append(
            [
                f"RB-{identified.year}-{number:04d}",
                arabic,
                latin,
                {"F": rng.choice(["F", "Féminin"]), "M": rng.choice(["M", "Masculin"])}[sex],
                born.strftime("%d/%m/%Y"),
                nationality,
                identified.strftime("%d/%m/%Y"),
                rng.choice(REGIONS),
                rng.choice(FORMS) if kind == "Traite" else "",
                kind,
            ]
        )
    # Two rows an import must refuse, each for one reason it names.
    out[40][6] = "15/03/2031"
    out[97][5] = "Atlante"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=150)
    parser.add_argument("--output", default=str(Path(__file__).resolve().parents[1] / "demo" / "morocco-register.xlsx"))
    args = parser.parse_args()
    book = Workbook()
    sheet = book.active
    sheet.title = "Registre 2019-2024"
    sheet.append(HEADINGS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(args.rows):
        sheet.append(row)
    book.save(args.output)
    print(f"{args.output}: {args.rows} rows")


if __name__ == "__main__":
    main()
