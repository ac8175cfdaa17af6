"""{% referral_state referral side %}: a referral's state in words for the side reading it (wording.py)."""

from __future__ import annotations

from typing import Any

from django import template

from tipsom.referrals.wording import side_of, state_words

register = template.Library()


@register.simple_tag
def referral_state(referral: Any, side: str = "") -> str:
    return state_words(referral, side_of(side or ""))
