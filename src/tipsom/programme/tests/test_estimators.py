"""The staggered difference-in-differences of the impact view (programme.estimators) on synthetic panels whose true
effect is known: an effect is recovered and its interval covers it, no effect gives an interval around zero,
staggered cohorts are each compared with their own months, the placebo finds a pre-trend that is there and none
that is not, the same data give the same interval (fixed seed)."""

from __future__ import annotations

import numpy as np
import pytest

from tipsom.programme.estimators import NO_ESTIMATE, staggered_did


def panel(
    effect: float,
    cohorts: list[int],
    comparison: int = 40,
    months: int = 48,
    seed: int = 7,
    treated_trend: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson counts around a unit level and a common trend; treated units gain `effect` a month from the month
    after their training (`treated_trend`: an extra slope of the treated units, a broken parallel trend)."""
    rng = np.random.default_rng(seed)
    cohort = np.array(cohorts + [-1] * comparison)
    units = len(cohort)
    level = rng.uniform(3, 9, size=units)[:, None]
    trend = np.linspace(0, 2, months)[None, :]
    mean = level + trend
    treated = cohort >= 0
    mean[treated] += treated_trend * np.arange(months)[None, :]
    outcomes = rng.poisson(mean).astype(float)
    for unit in np.flatnonzero(treated):
        g = cohort[unit]
        outcomes[unit, g + 1 :] += rng.poisson(effect, size=months - g - 1) if effect else 0
    return outcomes, cohort


def test_a_known_effect_is_recovered_and_its_interval_covers_it() -> None:
    outcomes, cohort = panel(3.0, [20] * 15)
    estimate = staggered_did(outcomes, cohort, 12, 12)
    assert estimate.value is not None and estimate.low is not None and estimate.high is not None
    assert abs(estimate.value - 3.0) < 0.8
    assert estimate.low <= 3.0 <= estimate.high
    assert estimate.low > 0  # clearly not zero
    assert estimate.covers_zero is False


def test_no_effect_gives_an_interval_around_zero() -> None:
    for seed in (2, 4, 5):  # (some seeds fall, as 5 in 100 should, outside)
        outcomes, cohort = panel(0.0, [20] * 15, seed=seed)
        estimate = staggered_did(outcomes, cohort, 12, 12)
        assert estimate.covers_zero is True, (seed, estimate)
        placebo = staggered_did(outcomes, cohort, 12, 12, placebo=True)
        assert placebo.covers_zero is True, (seed, placebo)


def test_the_interval_covers_the_truth_about_95_times_in_100() -> None:
    covered = [staggered_did(*panel(1.5, [20] * 10, seed=seed), 12, 12) for seed in range(60)]
    share = sum(1 for e in covered if e.low is not None and e.high is not None and e.low <= 1.5 <= e.high) / 60
    assert 0.85 <= share <= 1.0, share


def test_staggered_cohorts_each_against_their_own_months() -> None:
    # Two cohorts, 10 months apart; the effect starts for each in its own month.
    outcomes, cohort = panel(2.0, [14] * 10 + [24] * 20, months=40)
    estimate = staggered_did(outcomes, cohort, 12, 12)
    assert set(estimate.cohorts) == {14, 24}
    for g, effect in estimate.cohorts.items():
        assert abs(effect - 2.0) < 1.2, (g, effect)
    # The overall effect is the cohorts' mean weighted by their sizes (10 and 20 units).
    assert estimate.value == pytest.approx((10 * estimate.cohorts[14] + 20 * estimate.cohorts[24]) / 30)
    assert estimate.low is not None and estimate.high is not None
    assert estimate.low <= 2.0 <= estimate.high


def test_an_exact_effect_by_hand() -> None:
    # Unit 0 trained in column 2: before (columns 0, 1) 1 and 3, after (columns 3, 4) 6 and 8 -> change 5;
    # the comparison units change by 1 and by 3 -> mean 2; the effect is 3, and the training month (column 2, 100)
    # is left out.
    outcomes = np.array(
        [
            [1, 3, 100, 6, 8],
            [0, 0, 0, 1, 1],
            [2, 2, 0, 5, 5],
        ]
    )
    estimate = staggered_did(outcomes, np.array([2, -1, -1]), 2, 2)
    assert estimate.value == pytest.approx(3.0)
    assert estimate.cohorts == {2: pytest.approx(3.0)}
    # One treated unit: the interval varies with the comparison units only: 3 - (1 or 3) at its ends.
    assert estimate.low is not None and estimate.high is not None
    assert 0.0 <= estimate.low <= 3.0 <= estimate.high <= 4.0


def test_a_pre_trend_is_found_by_the_placebo() -> None:
    outcomes, cohort = panel(0.0, [20] * 15, treated_trend=0.3)
    placebo = staggered_did(outcomes, cohort, 12, 12, placebo=True)
    assert placebo.value is not None and placebo.value > 0.5
    assert placebo.covers_zero is False


def test_the_same_data_give_the_same_interval() -> None:
    outcomes, cohort = panel(1.0, [20] * 5)
    first = staggered_did(outcomes, cohort, 12, 12)
    second = staggered_did(outcomes, cohort, 12, 12)
    assert first == second


def test_nothing_to_estimate() -> None:
    outcomes = np.ones((3, 10))
    assert staggered_did(outcomes, np.array([-1, -1, -1]), 2, 2) is NO_ESTIMATE  # no treated unit
    assert staggered_did(outcomes, np.array([4, 4, 4]), 2, 2) is NO_ESTIMATE  # nothing to compare with
    assert staggered_did(outcomes, np.array([4, -1, -1]), 1, 2, placebo=True) is NO_ESTIMATE  # one month before
    with pytest.raises(ValueError, match="outside the panel"):
        staggered_did(outcomes, np.array([1, -1, -1]), 3, 2)


def test_one_unit_cohorts_still_vary_in_the_interval() -> None:
    # Two trained units in different months, gaining 2 and 6 a month; the comparison units do not change. The
    # trained units are drawn together, so the interval spans their disagreement instead of collapsing to 4.
    outcomes = np.full((5, 12), 3.0)
    outcomes[0, 5:] += 2.0  # trained in column 4
    outcomes[1, 7:] += 6.0  # trained in column 6
    estimate = staggered_did(outcomes, np.array([4, 6, -1, -1, -1]), 3, 3)
    assert estimate.value == pytest.approx(4.0)
    assert estimate.cohorts == {4: pytest.approx(2.0), 6: pytest.approx(6.0)}
    assert estimate.low == pytest.approx(2.0) and estimate.high == pytest.approx(6.0)
