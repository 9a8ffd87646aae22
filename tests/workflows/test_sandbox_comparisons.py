"""One C-level operation cannot outrun the clock: comparisons, membership, hashing and sorting are
refused from the size of what they would walk, before C starts on it (the clock only runs between
bytecodes). Each attack here would run for minutes unguarded; refusals come from sizes, not time."""

from __future__ import annotations

import pytest

from workflows.sandbox import SandboxedEnvironment, SandboxError

SHARED = "[[0] * 100000] * 100000"  # cheap to build, 10**10 items to walk
SHARED_TUPLE = "((0,) * 100000,) * 100000"

ATTACKS = {
    "equality": f"{SHARED} == {SHARED}",
    "inequality": f"{SHARED} != {SHARED}",
    "ordering": f"{SHARED} < {SHARED}",
    "chained": f"1 < 2 < {SHARED} < {SHARED}",
    "in-a-list": f"[0] * 99999 + [1] in {SHARED}",
    "not-in-a-list": f"[0] * 99999 + [1] not in {SHARED}",
    "in-a-dict-hashes-the-key": f"{SHARED_TUPLE} in {{'a': 1}}",
    "sorted": f"sorted({SHARED})",
    "min": f"min({SHARED})",
    "max-of-a-generator": "max([0] * 100000 for i in range(3))",
    "sorted-key": f"sorted(range(3), key=lambda i: {SHARED})",
    "dict-display-key": f"{{{SHARED_TUPLE}: 1}}",
    "dict-comprehension-key": f"{{k: 1 for k in [{SHARED_TUPLE}]}}",
    "dict-builtin-keys": f"dict([({SHARED_TUPLE}, 1)])",
    "getitem-key": f"{{'a': 1}}[{SHARED_TUPLE}]",
    "dict-get": f"{{'a': 1}}.get({SHARED_TUPLE})",
    "list-count": f"({SHARED}).count([0] * 100000)",
    "list-index": f"({SHARED}).index([1])",
    "tuple-index": f"({SHARED_TUPLE}).index((1,))",
    "startswith-many": "('a' * 100000).startswith(('b' * 100000,) * 100000)",
}


@pytest.fixture
def env() -> SandboxedEnvironment:
    return SandboxedEnvironment()


@pytest.mark.parametrize("expression", ATTACKS.values(), ids=ATTACKS.keys())
def test_quadratic_operations_are_refused_from_their_size(env, expression):
    with pytest.raises(SandboxError, match="too large to compare"):
        env.evaluate(expression, {})


@pytest.mark.parametrize("expression", ATTACKS.values(), ids=ATTACKS.keys())
def test_the_same_attacks_in_a_script_leave_task_data_alone(env, expression):
    data = {"kept": "yes"}
    with pytest.raises(SandboxError, match="too large to compare"):
        env.execute(f"kept = 'no'\nresult = {expression}", data)
    assert data == {"kept": "yes"}


def test_a_sort_in_place_is_measured(env):
    with pytest.raises(SandboxError, match="too large to compare"):
        env.execute(f"rows = {SHARED}\nrows.sort()", {})


def test_strip_takes_a_short_set_of_characters(env):
    with pytest.raises(SandboxError, match="at most 256 characters"):
        env.evaluate("('a' * 100000).strip('b' * 100000)", {})
    assert env.evaluate("'--x--'.strip('-')", {}) == "x"


DATA = {"decision": "approve", "categories": ["harassment", "damage"], "x": 2, "d": {"a": 1},
        "rows": [[2, "b"], [1, "a"]]}
ORDINARY = [
    ("decision == 'approve'", True),
    ("'harassment' in categories", True),
    ("'theft' not in categories", True),
    ("1 < x < 3", True),
    ("x is None", False),
    ("sorted(categories)", ["damage", "harassment"]),
    ("sorted(rows, key=lambda r: r[1])", [[1, "a"], [2, "b"]]),
    ("max(categories)", "harassment"),
    ("min(len(c) for c in categories)", 6),
    ("categories.index('damage')", 1),
    ("d.get('a')", 1),
    ("'a' in d", True),
    ("(1, 2) in {(1, 2): 'pair'}", True),
    ("{c: 1 for c in categories}", {"harassment": 1, "damage": 1}),
    ("rows == [[2, 'b'], [1, 'a']]", True),
    ("dict([('k', 1)])", {"k": 1}),
    ("decision.startswith(('app', 'rej'))", True),
]


@pytest.mark.parametrize(("expression", "expected"), ORDINARY)
def test_ordinary_comparisons_still_work(env, expression, expected):
    assert env.evaluate(expression, dict(DATA)) == expected


def test_values_just_under_the_size_limit_still_compare():
    env = SandboxedEnvironment(max_size=1000)
    assert env.evaluate("a == b", {"a": [0] * 900, "b": [0] * 900}) is True
    with pytest.raises(SandboxError, match="too large to compare"):
        env.evaluate("a == b", {"a": [[0] * 100] * 20, "b": [[0] * 100] * 20})
