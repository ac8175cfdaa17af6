"""Font files that documents tipsom prints (the PDF letter) use beside the fontpkg Noto packages: the faces shipped
for the web (static/vendor/fonts/, scripts/vendor-fonts.sh) for scripts no fontpkg package covers, Lao for one."""

from __future__ import annotations

from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "fonts"

# (name, file) of each shipped face a PDF adds as a fallback font, regular weight.
PDF_FALLBACK_FONTS = (("noto-sans-lao", FONTS_DIR / "noto-sans-lao" / "noto-sans-lao-lao-400-normal.woff"),)


def pdf_fallback_fonts() -> list[tuple[str, Path]]:
    """(name, file) of the shipped faces a PDF adds as fallbacks (WOFF, which fpdf2 reads without Brotli)."""
    return [(name, path) for name, path in PDF_FALLBACK_FONTS if path.is_file()]
