"""digled.platform.stats: the t quantile against printed t tables, the paired interval against hand
computation."""

from __future__ import annotations

import math

import pytest

from digled.platform import stats


@pytest.mark.parametrize("p, df, expected", [
    (0.975, 1, 12.706), (0.975, 2, 4.303), (0.975, 4, 2.776), (0.975, 9, 2.262), (0.975, 12, 2.179),
    (0.975, 29, 2.045), (0.975, 60, 2.000), (0.975, 120, 1.980), (0.95, 10, 1.812), (0.995, 5, 4.032),
    (0.9, 3, 1.638),
])
def test_t_quantile_matches_the_printed_table(p, df, expected):
    assert stats.t_quantile(p, df) == pytest.approx(expected, abs=0.0005)


def test_t_quantile_is_symmetric_and_tends_to_the_normal():
    assert stats.t_quantile(0.5, 7) == 0.0
    assert stats.t_quantile(0.025, 4) == pytest.approx(-2.776, abs=0.0005)
    assert stats.t_quantile(0.975, 100000) == pytest.approx(1.95996, abs=0.0001)  # the normal's 1.96


def test_t_cdf_known_values():
    assert stats.t_cdf(0.0, 3) == pytest.approx(0.5)
    # df = 1 is the Cauchy distribution: F(1) = 1/2 + atan(1)/pi = 0.75
    assert stats.t_cdf(1.0, 1) == pytest.approx(0.75, abs=1e-12)
    # df = 2 has a closed form: F(x) = 1/2 + x / (2 sqrt(2 + x^2)); F(1) = 0.5 + 1/(2 sqrt 3)
    assert stats.t_cdf(1.0, 2) == pytest.approx(0.5 + 1 / (2 * math.sqrt(3)), abs=1e-12)


def test_paired_interval_by_hand():
    # five changes 2, 4, 6, 8, 10: mean 6, sd sqrt(10) = 3.1623; t(0.975, 4) = 2.7764
    # half width = 2.7764 * 3.1623 / sqrt(5) = 3.9265 -> (2.0735, 9.9265)
    low, high = stats.paired_interval(6.0, math.sqrt(10), 5)
    assert low == pytest.approx(2.0735, abs=0.0005) and high == pytest.approx(9.9265, abs=0.0005)
    # 30 pairs, mean 3.0, sd 5.0: half = 2.0452 * 5 / sqrt(30) = 1.8670
    low, high = stats.paired_interval(3.0, 5.0, 30)
    assert (low, high) == (pytest.approx(1.1330, abs=0.0005), pytest.approx(4.8670, abs=0.0005))
    # a 90 % interval is narrower: t(0.95, 29) = 1.6991 -> half = 1.5511
    low90, high90 = stats.paired_interval(3.0, 5.0, 30, level=0.90)
    assert high90 - low90 == pytest.approx(2 * 1.5511, abs=0.001) and high90 < high


def test_paired_interval_of_identical_changes_is_the_point():
    assert stats.paired_interval(4.5, 0.0, 6) == (4.5, 4.5)


@pytest.mark.parametrize("mean, sd, n", [(1.0, 2.0, 1), (1.0, -1.0, 5), (1.0, float("nan"), 5), (1.0, None, 5)])
def test_paired_interval_refuses_what_has_no_interval(mean, sd, n):
    with pytest.raises(ValueError):
        stats.paired_interval(mean, sd, n)
