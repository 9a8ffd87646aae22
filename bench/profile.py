"""Where the server's CPU went: py-spy samples the gunicorn workers during the run (``--profile``);
this reads its folded stacks and sums the samples by library and by function."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from pathlib import Path

# First match wins, tested against a frame as py-spy writes it: "function (package/module.py:line)".
AREAS = (
    ("SpiffWorkflow", "(SpiffWorkflow/"),
    ("RestrictedPython sandbox", "(workflows/sandbox/"),
    ("workflows (our engine layer)", "(workflows/"),
    ("SQLAlchemy", "(sqlalchemy/"),
    ("psycopg", "(psycopg"),
    ("jsonschema", "(jsonschema"),
    ("Flask/Werkzeug", "(flask/"),
    ("Flask/Werkzeug", "(werkzeug/"),
    ("Flask/Werkzeug", "(flask_limiter/"),
    ("Flask/Werkzeug", "(flask_wtf/"),
    ("Flask/Werkzeug", "(limits/"),
    ("Jinja", "(jinja2/"),
    ("WeasyPrint", "(weasyprint/"),
    ("gunicorn", "(gunicorn/"),
    ("service (our code)", "(service/"),
)


def py_spy_command(output: Path, pid: int) -> list[str]:
    """Sample a running server and every worker it has forked, 100 times a second, without pausing them
    (pausing five processes on two cores costs more than the server itself), counting only the thread
    holding the GIL: Python's own CPU time, not time spent waiting for the database."""
    py_spy = Path(sys.executable).parent / "py-spy"
    executable = str(py_spy) if py_spy.exists() else shutil.which("py-spy")
    if executable is None:
        raise RuntimeError("--profile needs py-spy: make bench installs it with the bench extra")
    return [executable, "record", "--pid", str(pid), "--subprocesses", "--nonblocking", "--gil", "--rate", "100",
            "--format", "raw", "--output", str(output)]


def summarise_profile(folded: Path, top: int = 25) -> dict:
    """Share of samples per area (inclusive: a sample counts for every area on its stack, once) and the
    functions with the most samples of their own (self time)."""
    total = 0
    inclusive: Counter[str] = Counter()
    leaf_area: Counter[str] = Counter()
    own: Counter[str] = Counter()
    if not folded.exists():
        return {"error": f"py-spy wrote no profile to {folded}"}
    for line in folded.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        for area in {_area(frame) for frame in frames} - {None}:
            inclusive[area] += count
        leaf_area[_area(frames[-1]) or "Python standard library and other"] += count
        own[frames[-1]] += count
    if not total:
        return {"error": "py-spy recorded no samples"}

    def shares(counter: Counter[str]) -> dict[str, float]:
        return {name: round(100 * n / total, 1) for name, n in counter.most_common()}

    return {
        "samples": total,
        "file": str(folded),
        "inclusive_percent_by_area": shares(inclusive),
        "self_percent_by_area": shares(leaf_area),
        "self_percent_top_functions": dict(list(shares(own).items())[:top]),
    }


def _area(frame: str) -> str | None:
    for area, marker in AREAS:
        if marker in frame:
            return area
    return None


def print_profile(profile: dict) -> None:
    if "error" in profile:
        print(f"\nProfile: {profile['error']}")
        return
    print(f"\nWhere the server's CPU went ({profile['samples']} samples; folded stacks in {profile['file']})")
    print(f"{'area':<32} {'inclusive %':>12} {'self %':>8}")
    for area, share in profile["inclusive_percent_by_area"].items():
        print(f"{area:<32} {share:>12} {profile['self_percent_by_area'].get(area, 0.0):>8}")
    print("\nFunctions with the most samples of their own:")
    for frame, share in list(profile["self_percent_top_functions"].items())[:15]:
        print(f"{share:>6}%  {frame[:110]}")
