"""The UN M49 geoscheme (the standard country or area codes for statistical use): the region and subregion of each
ISO 3166 alpha-2 code, as the UNODC data portal's Region and Subregion columns name them. Antarctica and Taiwan
Province of China have no M49 region here; Kosovo (XK, under UNSCR 1244) is placed in Southern Europe as UNODC
does."""

from __future__ import annotations

_SUBREGIONS: dict[str, tuple[str, str]] = {
    "Northern Africa": ("Africa", "DZ EG LY MA SD TN EH"),
    "Sub-Saharan Africa": (
        "Africa",
        "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW "  # Eastern Africa
        "AO CM CF TD CG CD GQ GA ST "  # Middle Africa
        "BW SZ LS NA ZA "  # Southern Africa
        "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",  # Western Africa
    ),
    "Latin America and the Caribbean": (
        "Americas",
        "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI "  # Caribbean
        "BZ CR SV GT HN MX NI PA "  # Central America
        "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE",  # South America
    ),
    "Northern America": ("Americas", "BM CA GL PM US"),
    "Central Asia": ("Asia", "KZ KG TJ TM UZ"),
    "Eastern Asia": ("Asia", "CN HK MO KP JP MN KR"),
    "South-eastern Asia": ("Asia", "BN KH ID LA MY MM PH SG TH TL VN"),
    "Southern Asia": ("Asia", "AF BD BT IN IR MV NP PK LK"),
    "Western Asia": ("Asia", "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE"),
    "Eastern Europe": ("Europe", "BY BG CZ HU PL MD RO RU SK UA"),
    "Northern Europe": ("Europe", "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB"),
    "Southern Europe": ("Europe", "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES XK"),
    "Western Europe": ("Europe", "AT BE FR DE LI LU MC NL CH"),
    "Australia and New Zealand": ("Oceania", "AU CX CC HM NZ NF"),
    "Melanesia": ("Oceania", "FJ NC PG SB VU"),
    "Micronesia": ("Oceania", "GU KI MH FM NR MP PW UM"),
    "Polynesia": ("Oceania", "AS CK PF NU PN WS TK TO TV WF"),
}
M49: dict[str, tuple[str, str]] = {
    code: (region, subregion) for subregion, (region, codes) in _SUBREGIONS.items() for code in codes.split()
}


def region_subregion(code: str) -> tuple[str, str]:
    """The M49 region and subregion of an ISO alpha-2 code; ("", "") for a code M49 places nowhere."""
    return M49.get((code or "").upper(), ("", ""))
