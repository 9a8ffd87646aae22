"""The built wheel, installed into a fresh virtualenv and run from another folder, is a whole service.

Dependencies come from the test environment through a .pth line (installing them again from the
registry would take minutes); the project's own code, templates, forms, diagrams, assets and
migrations can only come from the wheel, which the test checks before anything else.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.config import ROOT
from tests.fresh_database import fresh_database

pytestmark = pytest.mark.slow
WAIT = 60.0


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    (built,) = out.glob("ubp_workflow-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv holding the wheel; returns its bin folder."""
    venv = tmp_path_factory.mktemp("venv") / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # After the fresh site-packages on sys.path, so the wheel's own packages win over the checkout.
    Path(site, "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    return venv / "bin"


def test_the_wheel_carries_the_service_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "service/bundled/bpmn/unacceptable_behaviour.bpmn" in names
    assert "service/bundled/forms/formal_proposal.json" in names
    assert "service/bundled/templates/layout.html" in names
    assert "service/bundled/templates/packs/unacceptable_behaviour/letters/decision.html" in names
    assert "service/static/dist/manifest.json" in names
    assert "service/migrations/script.py.mako" in names
    assert any(name.startswith("service/migrations/versions/0001_") for name in names)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path, request.config) as url:
        yield url


def _env(database_url: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "a-test-secret-key-that-is-long-enough-0123456789",
        "UBP_ENV": "development",
        "DEMO_PASSWORD": "installed wheel demo password",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def _run(bin_dir: Path, cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / "ubp"), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_installed_wheel_migrates_deploys_seeds_and_serves(installed: Path, empty_database: str,
                                                           tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _env(empty_database)
    where = subprocess.run([str(installed / "python"), "-c", "import service; print(service.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(installed.parent)), where

    migrated = _run(installed, elsewhere, env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    deployed = _run(installed, elsewhere, env, "deploy")
    assert deployed.returncode == 0, deployed.stderr
    assert "unacceptable_behaviour.bpmn: " in deployed.stdout
    seeded = _run(installed, elsewhere, env, "seed-demo")
    assert seeded.returncode == 0, seeded.stderr

    port = _free_port()
    # As the image runs it: the packaged gunicorn settings, two worker processes.
    server = subprocess.Popen([str(installed / "python"), "-m", "gunicorn", "-c", "python:service.gunicorn_conf",
                               "--bind", f"127.0.0.1:{port}", "--workers", "2", "service.wsgi:app"],
                              cwd=elsewhere, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        page = _get_when_up(f"http://127.0.0.1:{port}/sign-in", server)
        assert "Sign in" in page
        manifest = _get_when_up(f"http://127.0.0.1:{port}/static/dist/manifest.json", server)
        assert "app.css" in manifest
        # Counted once whichever of the two processes serves a page and whichever answers the scrape.
        before = _sign_in_pages_counted(port, server)
        for _ in range(6):
            _get_when_up(f"http://127.0.0.1:{port}/sign-in", server)
        assert _sign_in_pages_counted(port, server) == before + 6
    finally:
        server.terminate()
        server.wait(timeout=WAIT)


def test_deploy_from_an_empty_folder_fails_loudly(installed: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-diagrams"
    empty.mkdir()
    env = _env(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert _run(installed, tmp_path, env, "migrate").returncode == 0
    refused = _run(installed, tmp_path, env, "deploy", "--bpmn-dir", str(empty))
    assert refused.returncode != 0
    assert f"No BPMN files (*.bpmn) in {empty}" in refused.stderr
    assert "Traceback" not in refused.stderr


def _sign_in_pages_counted(port: int, server: subprocess.Popen) -> float:
    metrics = _get_when_up(f"http://127.0.0.1:{port}/metrics", server)
    match = re.search(r'^ubp_http_requests_total\{method="GET",route="/sign-in",status="200"\} (\S+)$', metrics,
                      re.MULTILINE)
    assert match, metrics
    return float(match.group(1))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get_when_up(url: str, server: subprocess.Popen) -> str:
    deadline = time.monotonic() + WAIT
    while True:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {server.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)  # polling a real subprocess, bounded by WAIT
