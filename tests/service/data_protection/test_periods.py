"""Retention periods: how they are written and read."""

from __future__ import annotations

import pytest

from service.data_protection.periods import Period, PeriodError


@pytest.mark.parametrize(("text", "period", "words"), [
    ("1 year", Period(months=12), "1 year"), ("18 months", Period(months=18), "18 months"),
    ("90 days", Period(days=90), "90 days"), (2, Period(months=24), "2 years"),
    ("1 Month", Period(months=1), "1 month"),
])
def test_periods_read_as_written(text, period, words):
    assert Period.parse(text) == period and str(period) == words


@pytest.mark.parametrize("text", ["forever", "0 days", "1000 years", True, 0])
def test_what_is_not_a_period_is_refused_with_an_example(text):
    with pytest.raises(PeriodError, match='is not a period: write, for example, "2 years"'):
        Period.parse(text)
