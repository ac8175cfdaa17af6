"""The UN M49 standard's geographic regions (unstats.un.org/unsd/methodology/m49), as data: for each ISO 3166-1
alpha-2 country, its M49 sub-region (the intermediate region where M49 has one: Eastern Africa, Caribbean, South
America...) and region. The k-anonymity of the CTDC export generalises countries to these levels.

Taiwan (TW) and Kosovo (XK) are not listed by M49; they are placed in Eastern Asia and Southern Europe, where the
regional statistics of the UN system count them. Antarctica (AQ) has no region: it generalises straight to the
world level."""

from __future__ import annotations

# M49 code: English name (as the standard writes it).
SUBREGIONS: dict[str, str] = {
    "015": "Northern Africa",
    "014": "Eastern Africa",
    "017": "Middle Africa",
    "018": "Southern Africa",
    "011": "Western Africa",
    "029": "Caribbean",
    "013": "Central America",
    "005": "South America",
    "021": "Northern America",
    "143": "Central Asia",
    "030": "Eastern Asia",
    "035": "South-eastern Asia",
    "034": "Southern Asia",
    "145": "Western Asia",
    "151": "Eastern Europe",
    "154": "Northern Europe",
    "039": "Southern Europe",
    "155": "Western Europe",
    "053": "Australia and New Zealand",
    "054": "Melanesia",
    "057": "Micronesia",
    "061": "Polynesia",
}

REGIONS: dict[str, str] = {"002": "Africa", "019": "Americas", "142": "Asia", "150": "Europe", "009": "Oceania"}

# Sub-region code: region code.
SUBREGION_REGION: dict[str, str] = {
    "015": "002",
    "014": "002",
    "017": "002",
    "018": "002",
    "011": "002",
    "029": "019",
    "013": "019",
    "005": "019",
    "021": "019",
    "143": "142",
    "030": "142",
    "035": "142",
    "034": "142",
    "145": "142",
    "151": "150",
    "154": "150",
    "039": "150",
    "155": "150",
    "053": "009",
    "054": "009",
    "057": "009",
    "061": "009",
}

_MEMBERS: dict[str, str] = {
    "015": "DZ EG LY MA SD TN EH",
    "014": "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW",
    "017": "AO CM CF TD CG CD GQ GA ST",
    "018": "BW SZ LS NA ZA",
    "011": "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
    "029": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI",
    "013": "BZ CR SV GT HN MX NI PA",
    "005": "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE",
    "021": "BM CA GL PM US",
    "143": "KZ KG TJ TM UZ",
    "030": "CN HK MO KP JP MN KR TW",
    "035": "BN KH ID LA MY MM PH SG TH TL VN",
    "034": "AF BD BT IN IR MV NP PK LK",
    "145": "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    "151": "BY BG CZ HU PL MD RO RU SK UA",
    "154": "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB",
    "039": "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES XK",
    "155": "AT BE FR DE LI LU MC NL CH",
    "053": "AU CX CC HM NZ NF",
    "054": "FJ NC PG SB VU",
    "057": "GU KI MH FM NR MP PW UM",
    "061": "AS CK PF NU PN WS TK TO TV WF",
}

# ISO alpha-2: M49 sub-region code.
COUNTRY_SUBREGION: dict[str, str] = {iso2: code for code, members in _MEMBERS.items() for iso2 in members.split()}


def country_subregion(iso2: str) -> str | None:
    """The M49 sub-region's English name of a country (None when M49 places it nowhere, or for `ZZ`)."""
    code = COUNTRY_SUBREGION.get(iso2)
    return SUBREGIONS[code] if code else None


def country_region(iso2: str) -> str | None:
    """The M49 region's English name of a country (Africa, Americas, Asia, Europe, Oceania)."""
    code = COUNTRY_SUBREGION.get(iso2)
    return REGIONS[SUBREGION_REGION[code]] if code else None
