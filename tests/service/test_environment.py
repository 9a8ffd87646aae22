"""Start-up configuration: every bad variable is one clear line, secrets are never echoed, good values arrive typed."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest

from service.config import Settings
from service.environment import ConfigurationError, read_environment
from service.runtime import build_runtime

GOOD_SECRET = "s" * 40


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("SECRET_KEY", "DATABASE_URL", "WORKER_POLL_SECONDS", "TZ", "RATE_LIMIT_STORAGE_URL", "UBP_ENV",
                 "METRICS_TOKEN", "PROXY_HOPS", "FORMS_DIR", "BPMN_DIR", "AUDIT_ANCHOR_MINUTES", "RETENTION_POLICY",
                 "LOGIN_RATE_LIMIT", "SECURE_COOKIES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", GOOD_SECRET)
    return monkeypatch


def _problems(monkeypatch: pytest.MonkeyPatch, **values: str) -> list[str]:
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as refused:
        read_environment()
    return refused.value.problems


def test_good_values_arrive_typed(clean_environment: pytest.MonkeyPatch, tmp_path) -> None:
    clean_environment.setenv("WORKER_POLL_SECONDS", "0.5")
    clean_environment.setenv("AUDIT_ANCHOR_MINUTES", "5")
    clean_environment.setenv("PROXY_HOPS", "1")
    clean_environment.setenv("RATE_LIMIT_STORAGE_URL", "redis://127.0.0.1:6379/0")
    clean_environment.setenv("FORMS_DIR", str(tmp_path))
    clean_environment.setenv("UBP_ENV", "development")
    settings = Settings.from_environment()
    assert settings.worker_poll_seconds == 0.5
    assert settings.audit_anchor_every == timedelta(minutes=5)
    assert settings.proxy_hops == 1
    assert settings.rate_limit_storage_url == "redis://127.0.0.1:6379/0"
    assert settings.forms_dir == tmp_path
    assert settings.bpmn_dir.joinpath("unacceptable_behaviour.bpmn").is_file()
    assert settings.secure_cookies is False  # development default


def test_a_short_secret_is_refused_without_repeating_it(clean_environment: pytest.MonkeyPatch) -> None:
    problems = _problems(clean_environment, SECRET_KEY="tooshort-secret")
    assert problems == ["SECRET_KEY: must be at least 32 characters (make run generates one under var/)"]
    assert "tooshort" not in " ".join(problems)


def test_a_missing_secret_is_refused(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.delenv("SECRET_KEY")
    with pytest.raises(ConfigurationError, match="SECRET_KEY: must be set"):
        read_environment()


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("WORKER_POLL_SECONDS", "-1", "WORKER_POLL_SECONDS: Input should be greater than 0 (got '-1')"),
    ("WORKER_POLL_SECONDS", "soon", "WORKER_POLL_SECONDS: Input should be a valid number"),
    ("AUDIT_ANCHOR_MINUTES", "0", "AUDIT_ANCHOR_MINUTES: Input should be greater than 0"),
    ("DATABASE_URL", "mysql://user:hunter2@db/ubp", "DATABASE_URL: names mysql; use postgresql:// or sqlite://"),
    ("DATABASE_URL", "not a url", "DATABASE_URL: is not a database URL"),
    ("RATE_LIMIT_STORAGE_URL", "http://cache", "RATE_LIMIT_STORAGE_URL: must be memory://"),
    ("LOGIN_RATE_LIMIT", "lots", 'LOGIN_RATE_LIMIT: is not a rate such as "10 per minute"'),
    ("TZ", "Mars/Olympus_Mons", "TZ: is not a time zone name"),
    ("FORMS_DIR", "/no/such/folder", "FORMS_DIR: /no/such/folder is not a folder"),
    ("UBP_ENV", "prod", "UBP_ENV: Input should be 'production', 'development' or 'testing'"),
    ("PROXY_HOPS", "-2", "PROXY_HOPS: Input should be greater than or equal to 0"),
    ("METRICS_TOKEN", "short", "METRICS_TOKEN: must be at least 24 characters"),
])
def test_each_bad_value_is_one_line(clean_environment: pytest.MonkeyPatch, name: str, value: str,
                                    expected: str) -> None:
    problems = _problems(clean_environment, **{name: value})
    assert len(problems) == 1
    assert problems[0].startswith(expected)
    if name in ("METRICS_TOKEN", "DATABASE_URL", "RATE_LIMIT_STORAGE_URL"):
        assert value not in problems[0] and "hunter2" not in problems[0]


def test_a_setting_a_pack_declares_is_one_line_too_when_its_pack_cannot_use_it(
        clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv("RETENTION_POLICY", "{")  # the policy's (Pack.retention), read once packs are installed
    with pytest.raises(ConfigurationError) as refused:
        build_runtime(Settings.from_environment())
    assert len(refused.value.problems) == 1
    assert refused.value.problems[0].startswith("RETENTION_POLICY: RETENTION_POLICY is not JSON")


def test_every_problem_is_listed_at_once(clean_environment: pytest.MonkeyPatch) -> None:
    problems = _problems(clean_environment, WORKER_POLL_SECONDS="-1", TZ="Nowhere/Atall", SECRET_KEY="x")
    assert [p.split(":")[0] for p in problems] == ["SECRET_KEY", "WORKER_POLL_SECONDS", "TZ"]


def test_the_command_line_reports_problems_without_a_traceback(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x", "WORKER_POLL_SECONDS": "-1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    result = subprocess.run([sys.executable, "-c", "from service.console import main; main()", "migrate"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "The service cannot start: the configuration has problems."
    assert lines[1:] == ["  SECRET_KEY: must be at least 32 characters (make run generates one under var/)",
                         "  WORKER_POLL_SECONDS: Input should be greater than 0 (got '-1')"]
