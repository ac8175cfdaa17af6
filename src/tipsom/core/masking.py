"""Masked display of IDENTIFYING values: enough to recognise a value, never enough to use it."""

MASK_CHAR = "\u2022"
MASKED = MASK_CHAR * 6  # a whole value withheld: the one mask of every screen and API answer


def mask(value: str | None, visible: int = 2, width: int = 6) -> str:
    """Such as "••••••89" for "+5511999988889". Short values show nothing of themselves; empty stays empty."""
    value = (value or "").strip()
    if not value:
        return ""
    tail = value[-visible:] if len(value) > visible * 3 else ""
    return MASK_CHAR * width + tail
