"""Hypothesis budgets: a fast profile for everyday runs, a thorough one for CI.

``conftest.py`` loads ``ci`` when the environment variable CI is set (``.ci/run``
runs with CI=true) and ``fast`` otherwise; ``--hypothesis-profile NAME`` picks
another as usual. Both profiles drop the deadline: the machines are shared, and
a test must not fail because a neighbour was busy.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

THOROUGH = 100  # the ci profile's max_examples, which each test's own count is written for

settings.register_profile(
    "ci", max_examples=THOROUGH, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fast", max_examples=THOROUGH // 5, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def examples(thorough: int) -> int:
    """``thorough`` examples under the ci profile; the loaded profile's share of it otherwise."""
    return max(10, thorough * settings().max_examples // THOROUGH)
