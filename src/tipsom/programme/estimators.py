"""The statistics of the impact view: a difference-in-differences for staggered adoption (Callaway and Sant'Anna
style, group-time effects against never-treated units), with a stratified cluster bootstrap, in plain numpy.

The panel is a matrix `outcomes[unit, month]` (cases identified per unit per month over consecutive months) and,
for each unit, the column of its first training month (`cohort`, -1 for a unit never trained in the window).

For each cohort g (the units first trained in month g), the B months before g are its "before" and the A months
after g its "after"; the training month itself is neither (it is partly both). A unit's change is the mean of its
after months minus the mean of its before months, and the cohort's effect is

    ATT(g) = mean change of the cohort's units - mean change of the comparison units over the same months,

that is the mean over g's after months of Callaway and Sant'Anna's ATT(g, t), with the mean of the before months as
the base period (steadier than one base month when counts are small). The overall effect is the mean of the ATT(g)
weighted by cohort size (the number of units). The comparison units are never treated in the window, so no
already-treated unit is ever used as a control (the bias of the two-way fixed-effects regression under staggered
adoption).

The pre-trend check is the same estimator on the before months alone, as if every cohort had been trained half way
through its before period (a placebo): under parallel trends it is near zero.

The 95% interval is a percentile bootstrap over units (clusters: each unit's months move together): the trained
units drawn with replacement among themselves (each with its cohort, so a cohort of one unit varies too), the
comparison units among themselves, 999 draws, a fixed seed, so the same data always give the same interval. With
one trained unit the trained side cannot vary and the interval understates the uncertainty: the caller says so."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DRAWS = 999
SEED = 20261204
LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    """An effect in cases per unit per month, with its 95% interval (None when it cannot be computed)."""

    value: float | None
    low: float | None
    high: float | None
    cohorts: dict[int, float]  # ATT(g) of each cohort (by its column)

    @property
    def covers_zero(self) -> bool | None:
        if self.low is None or self.high is None:
            return None
        return self.low <= 0.0 <= self.high


NO_ESTIMATE = Estimate(None, None, None, {})


def staggered_did(
    outcomes: np.ndarray,
    cohort: np.ndarray,
    before: int,
    after: int,
    *,
    placebo: bool = False,
    draws: int = DRAWS,
    seed: int = SEED,
) -> Estimate:
    """The overall effect (mean of ATT(g) weighted by cohort size) and its bootstrap interval.

    outcomes: (units, months) counts; cohort: (units,) the column of each unit's first training, -1 for a comparison
    unit. Every cohort needs `before` columns before it and `after` columns after it (the caller checks the window).
    placebo: the pre-trend check instead (the before months split in two, the first half as "before")."""
    outcomes = np.asarray(outcomes, dtype=float)
    cohort = np.asarray(cohort, dtype=int)
    comparison = outcomes[cohort < 0]
    groups = sorted({int(g) for g in cohort if g >= 0})
    if not groups or comparison.shape[0] == 0:
        return NO_ESTIMATE
    if placebo and before < 2:
        return NO_ESTIMATE
    treated_changes: list[np.ndarray] = []
    control_changes: list[np.ndarray] = []
    for g in groups:
        if placebo:
            # As if trained half way through the before months.
            middle = g - before + before // 2
            window = (g - before, middle, middle, g)
        else:
            # The training month is left out: "before" ends the month before it, "after" starts the month after.
            window = (g - before, g, g + 1, g + 1 + after)
        treated_changes.append(_window_change(outcomes[cohort == g], *window))
        control_changes.append(_window_change(comparison, *window))
    sizes = np.array([len(changes) for changes in treated_changes], dtype=float)
    weights = sizes / sizes.sum()
    effects = np.array(
        [t.mean() - c.mean() for t, c in zip(treated_changes, control_changes, strict=True)], dtype=float
    )
    value = float(weights @ effects)
    rng = np.random.default_rng(seed)
    # The comparison units, drawn with replacement, serve every cohort (as in the data): their mean change per cohort.
    controls = np.column_stack(control_changes)  # (comparison units, cohorts)
    n_controls = controls.shape[0]
    control_draws = rng.multinomial(n_controls, np.full(n_controls, 1.0 / n_controls), size=draws)
    control_means = control_draws @ controls / n_controls  # (draws, cohorts)
    # The trained units are drawn together, each with its cohort: a cohort of one unit varies too, and the cohorts'
    # weights vary with the draw as their sizes would. The effect is then the drawn units' mean change minus the mean
    # of their cohorts' comparison changes.
    changes = np.concatenate(treated_changes)
    member = np.repeat(np.arange(len(groups)), [len(c) for c in treated_changes])
    n_treated = len(changes)
    treated_draws = rng.multinomial(n_treated, np.full(n_treated, 1.0 / n_treated), size=draws)  # (draws, units)
    per_cohort = np.zeros((n_treated, len(groups)))
    per_cohort[np.arange(n_treated), member] = 1.0
    drawn_cohorts = treated_draws @ per_cohort  # (draws, cohorts): how many units of each cohort were drawn
    boot = (treated_draws @ changes - (drawn_cohorts * control_means).sum(axis=1)) / n_treated
    tail = (1.0 - LEVEL) / 2.0
    low, high = np.quantile(boot, [tail, 1.0 - tail])
    return Estimate(
        value=value,
        low=float(low),
        high=float(high),
        cohorts={g: float(effect) for g, effect in zip(groups, effects, strict=True)},
    )


def _window_change(outcomes: np.ndarray, start: int, end_before: int, start_after: int, end: int) -> np.ndarray:
    """Each unit's mean of columns [start_after, end) minus its mean of columns [start, end_before)."""
    if start < 0 or end > outcomes.shape[1]:
        raise ValueError("the window of a cohort falls outside the panel")
    before = outcomes[:, start:end_before].mean(axis=1)
    after = outcomes[:, start_after:end].mean(axis=1)
    return np.asarray(after - before, dtype=float)
