"""The numeric-grading cases of other quiz systems that dlquiz means to agree with, run through dlquiz's rule.

Each row: (typed, answer, tolerance, right?) and, in a comment, the source file and line of the case.
Deliberate disagreements are listed in docs/bank-format.md ("Agreement with other quiz systems").
PrairieLearn's own test cases for is_correct_scalar_sf / _ra could not be found in the searchable
index, so no row cites them.
"""

from __future__ import annotations

import pytest

from dlquiz.question import Tolerance
from dlquiz.tolerance import close

MOODLE = "moodle/moodle question/type/numerical/tests/answer_test.php (commit 01148a08)"
EDX = "openedx/edx-platform common/lib/capa/capa/tests/test_util.py (commit 0c160527)"
STACK = "maths/moodle-qtype_stack tests/fixtures/answertestfixtures.class.php"

CASES = [
    # Moodle qtype_numerical: nominal (absolute) tolerance 1.0 around 7 -> dlquiz atol: 1, rtol: 0
    (5.99, 7.0, Tolerance(rtol=0, atol=1.0), False),  # MOODLE:39
    (6, 7.0, Tolerance(rtol=0, atol=1.0), True),  # MOODLE:40
    (8, 7.0, Tolerance(rtol=0, atol=1.0), True),  # MOODLE:42
    (8.01, 7.0, Tolerance(rtol=0, atol=1.0), False),  # MOODLE:43
    # Moodle: zero tolerance, tiny non-zero answer 1e-20 (the case issue 14 is about: no absolute floor)
    (0.9999999e-20, 1e-20, Tolerance(rtol=0), False),  # MOODLE:52
    (1e-20, 1e-20, Tolerance(rtol=0), True),  # MOODLE:53
    (1.0000001e-20, 1e-20, Tolerance(rtol=0), False),  # MOODLE:54
    # Moodle: tolerance 1e-24 around an answer of 0
    (-2e-24, 0.0, Tolerance(rtol=0, atol=1e-24), False),  # MOODLE:58
    (-1e-24, 0.0, Tolerance(rtol=0, atol=1e-24), True),  # MOODLE:59
    (0, 0.0, Tolerance(rtol=0, atol=1e-24), True),  # MOODLE:60
    (2e-24, 0.0, Tolerance(rtol=0, atol=1e-24), False),  # MOODLE:62
    (-1e-35, 0.0, Tolerance(rtol=0, atol=1e-24), True),  # MOODLE:67
    (1e-20, 0.0, Tolerance(rtol=0, atol=1e-24), False),  # MOODLE:70
    # Moodle: tolerance 1e-24 around 1e-20
    (1.0002e-20, 1e-20, Tolerance(rtol=0, atol=1e-24), False),  # MOODLE:74
    (1.0001e-20, 1e-20, Tolerance(rtol=0, atol=1e-24), True),  # MOODLE:75
    # Moodle: blank tolerance on a whole answer means exact (dlquiz's default for whole answers)
    (1234, 1234, None, True),  # MOODLE:83
    (1234.000001, 1234, None, False),  # MOODLE:84
    (0, 1234, None, False),  # MOODLE:85
    # Moodle: relative tolerance 0.1 around 7 (the edges 6.3 and 7.7 are right despite binary round-off)
    (6.29, 7.0, Tolerance(rtol=0.1), False),  # MOODLE:92
    (6.3, 7.0, Tolerance(rtol=0.1), True),  # MOODLE:93
    (7.7, 7.0, Tolerance(rtol=0.1), True),  # MOODLE:95
    (7.71, 7.0, Tolerance(rtol=0.1), False),  # MOODLE:96
    # Open edX compare_with_tolerance: default 0.001% relative
    (100.0, 100.0, Tolerance(rtol=1e-5), True),  # EDX:22
    (100.001, 100.0, Tolerance(rtol=1e-5), True),  # EDX:24
    (101.0, 100.0, Tolerance(rtol=1e-5), False),  # EDX:26
    # edX absolute tolerance '10%' of the answer / 10.0
    (109.9, 100.0, Tolerance(rtol=0.1), True),  # EDX:29
    (110.1, 100.0, Tolerance(rtol=0.1), False),  # EDX:31
    (109.9, 100.0, Tolerance(rtol=0, atol=10.0), True),  # EDX:39
    (110.1, 100.0, Tolerance(rtol=0, atol=10.0), False),  # EDX:41
    # edX absolute tolerance for smaller values (100.01 vs 100 with 0.01: right despite round-off)
    (100.01, 100.0, Tolerance(rtol=0, atol=0.01), True),  # EDX:89
    (100.001, 100.0, Tolerance(rtol=0, atol=0.001), True),  # EDX:91
    (100.002, 100.0, Tolerance(rtol=0, atol=0.001), False),  # EDX:95
    (0.4, 0.44, Tolerance(rtol=0, atol=0.01), False),  # EDX:97
    # STACK NumSigFigs (student, teacher, expected mark, option = figures); row text quoted, as the index
    # gives no line numbers for this file: array('NumSigFigs', '3.141', '3.1415927', 0, '4', '')
    (3.141, 3.1415927, Tolerance(sigfig=4), False),  # STACK: NumSigFigs 3.141 / 3.1415927 / 4 -> 0
    (3.142, 3.1415927, Tolerance(sigfig=4), True),  # STACK: NumSigFigs 3.142 / 3.1415927 / 4 -> 1
    (3141, 3.1415927, Tolerance(sigfig=4), False),  # STACK: NumSigFigs 3141 / 3.1415927 / 4 -> 0
    (0.00123, 0.001234567, Tolerance(sigfig=3), True),  # STACK: NumSigFigs 0.00123 / 0.001234567 / 3 -> 1
    (0.001235, 0.001234567, Tolerance(sigfig=4), True),  # STACK: NumSigFigs 0.001235 / 0.001234567 / 4 -> 1
    (0.150, 0.14951, Tolerance(sigfig=3), True),  # STACK: NumSigFigs 0.150 / 0.14951 / 3 -> 1
    (1000, 999, Tolerance(sigfig=2), True),  # STACK: NumSigFigs 1000 / 999 / 2 -> 1
    (-100, -149, Tolerance(sigfig=1), True),  # STACK: NumSigFigs -100 / -149 / 1 -> 1
    (-0.05, -0.0499, Tolerance(sigfig=1), True),  # STACK: NumSigFigs -0.05 / -0.0499 / 1 -> 1
    # STACK significantfigures() rounds half away from zero (AlgEquiv rows 'significantfigures(2.5,1)' = 3.0,
    # 'significantfigures(0.5,1)' = 0.5, 'significantfigures(11.5,2)' = 12.0), unlike Maxima's round()
    (3, 2.5, Tolerance(sigfig=1), True),  # STACK: AlgEquiv significantfigures(2.5,1) = 3.0
    (4, 3.5, Tolerance(sigfig=1), True),  # STACK: AlgEquiv significantfigures(3.5,1) = 4.0
    (12, 11.5, Tolerance(sigfig=2), True),  # STACK: AlgEquiv significantfigures(11.5,2) = 12.0
]


@pytest.mark.parametrize(("typed", "answer", "tolerance", "right"), CASES)
def test_dlquiz_agrees_with_the_peers(typed, answer, tolerance, right):
    assert close(typed, answer, tolerance) is right


@pytest.mark.parametrize(
    ("typed", "answer", "tolerance", "peer_says", "dlquiz_says"),
    [
        # edX relative tolerance scales by the larger of the two numbers; dlquiz by the answer only
        (111.0, 100.0, Tolerance(rtol=0.1), True, False),  # EDX:34
    ],
)
def test_deliberate_disagreements_stay_deliberate(typed, answer, tolerance, peer_says, dlquiz_says):
    assert peer_says != dlquiz_says
    assert close(typed, answer, tolerance) is dlquiz_says
