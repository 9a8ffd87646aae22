import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_a_quick_partial_run_serves_real_requests_and_writes_its_results(tmp_path):
    """Not a measurement: proves ``python -m bench`` still starts its server, drives it and reports."""
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--sqlite", "--only", "three_tasks", "--only", "storage",
         "--results", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    written = list(tmp_path.glob("*-sqlite-quick-partial.json"))
    assert len(written) == 1 and not (tmp_path / "latest.json").exists()
    results = json.loads(written[0].read_text())
    assert results["three_tasks"]["completions_per_s"] > 0
    assert results["three_tasks"]["errors"] == {}
    assert 0 < results["summary"]["state_bytes_per_instance"] <= 6000
    assert "three_task_completions_per_s" in finished.stdout
