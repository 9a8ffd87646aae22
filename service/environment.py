"""The environment, read and checked once at start-up (pydantic-settings) before anything starts.

Every variable is typed and bounded here; a bad one is reported as one line naming the variable,
never as a traceback, and a secret's value is never repeated back. ``service.config.Settings`` is
what the rest of the code reads; this module only turns the environment into it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limits import parse as parse_rate_limit
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SECRET_MIN_LENGTH = 32
Minutes = Annotated[float, Field(gt=0, le=60 * 24 * 366)]
# Never repeated in a problem line: secrets, and URLs that may carry a password.
_SECRETS = {"secret_key", "metrics_token", "database_url", "rate_limit_storage_url", "smtp_password",
            "oidc_client_secret"}


class ConfigurationError(RuntimeError):
    """The environment is wrong; ``problems`` holds one readable line per variable."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class EnvironmentSettings(BaseSettings):
    """One field per environment variable (the field name upper-cased)."""

    model_config = SettingsConfigDict(case_sensitive=False, env_ignore_empty=True, extra="ignore")

    ubp_env: Literal["production", "development", "testing"] = "production"
    database_url: str | None = None
    secret_key: str | None = None
    secure_cookies: bool | None = None
    behind_tls: bool = False
    db_pool_size: Annotated[int, Field(ge=1, le=200)] = 5
    api_rate_limit: str = "600 per minute"
    login_rate_limit: str = "10 per minute"
    login_account_rate_limit: str = "20 per hour"
    rate_limit_storage_url: str = "memory://"
    proxy_hops: Annotated[int, Field(ge=0, le=5)] = 0
    worker_poll_seconds: Annotated[float, Field(gt=0, le=3600)] = 3.0
    worker_heartbeat_max_age_seconds: Annotated[float, Field(gt=0, le=86400)] = 120.0
    worker_stall_seconds: Annotated[float, Field(ge=10, le=86400)] = 300.0
    audit_anchor_minutes: Minutes = 15.0
    retention_sweep_minutes: Minutes = 60.0
    metrics_token: str | None = None
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    tz: str | None = None
    forms_dir: Path | None = None
    bpmn_dir: Path | None = None
    provider_name: str | None = None
    provider_address: str | None = None
    provider_telephone: str | None = None
    provider_email: str | None = None
    provider_website: str | None = None
    service_name: str = "Unacceptable behaviour cases"
    service_description: str = ("Start cases, work the tasks each process gives you step by step, and see what "
                                "happened on every case.")
    # Built-in workers (service/builtin_workers): SMTP for the "email" topic, allow-listed URLs for "http".
    smtp_host: str | None = None
    smtp_port: Annotated[int, Field(ge=1, le=65535)] = 587
    smtp_from: str = "casework-notifications@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    notify_webhook_url: str | None = None
    # Accounts and sign-in (service/accounts).
    lockout_after_failures: Annotated[int, Field(ge=1, le=100)] = 5
    lockout_minutes: Minutes = 15.0
    public_url: str = "http://127.0.0.1:5000"
    local_passwords: bool = True
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_scopes: str = "openid profile email"
    oidc_roles_claim: str = "roles"
    oidc_role_map: dict[str, str] = Field(default_factory=dict)
    oidc_create_users: bool = False
    oidc_name: str = "your organisation's account"
    email_templates_dir: Path | None = None
    http_worker_targets: str | None = None
    http_worker_timeout_seconds: Annotated[float, Field(gt=0, le=300)] = 10.0
    builtin_worker_retries: Annotated[int, Field(ge=0, le=100)] = 3

    @field_validator("secret_key")
    @classmethod
    def _long_secret(cls, value: str | None) -> str | None:
        if value is not None and len(value) < SECRET_MIN_LENGTH:
            raise ValueError(f"must be at least {SECRET_MIN_LENGTH} characters (make run generates one under var/)")
        return value

    @field_validator("metrics_token")
    @classmethod
    def _long_token(cls, value: str | None) -> str | None:
        if value is not None and len(value) < 24:
            raise ValueError("must be at least 24 characters")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError:
            raise ValueError("is not a database URL (postgresql://user@host/db or sqlite:///path)") from None
        if backend not in {"postgresql", "sqlite"}:
            raise ValueError(f"names {backend}; use postgresql:// or sqlite://")
        return value

    @field_validator("rate_limit_storage_url")
    @classmethod
    def _storage_url(cls, value: str) -> str:
        scheme = value.partition("://")[0]
        if scheme not in {"memory", "redis", "rediss"} or "://" not in value:
            raise ValueError("must be memory:// (one server) or redis://host:port/db (several servers)")
        return value

    @field_validator("api_rate_limit", "login_rate_limit", "login_account_rate_limit")
    @classmethod
    def _rate(cls, value: str) -> str:
        try:
            parse_rate_limit(value)
        except ValueError:
            raise ValueError('is not a rate such as "10 per minute"') from None
        return value

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        # A zone the C library does not know silently becomes UTC; say so instead.
        if value is None:
            return value
        try:
            ZoneInfo(value.removeprefix(":"))
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not a time zone name such as Europe/London or UTC") from None
        return value

    @field_validator("forms_dir", "bpmn_dir")
    @classmethod
    def _folder(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a folder")
        return value

    @field_validator("http_worker_targets")
    @classmethod
    def _targets(cls, value: str | None) -> str | None:
        http_targets(value)  # raises ValueError with the reason
        return value

    @property
    def development(self) -> bool:
        return self.ubp_env in {"development", "testing"}

    @property
    def audit_anchor_every(self) -> timedelta:
        return timedelta(minutes=self.audit_anchor_minutes)

    @property
    def retention_sweep_every(self) -> timedelta:
        return timedelta(minutes=self.retention_sweep_minutes)


def read_pack_settings(parsers: Mapping[str, Callable[[str | None], Any]]) -> dict[str, Any]:
    """The settings the installed packs declare (``registry.retention_settings``), each read from the environment
    (empty is unset, as above) and parsed by its pack: name -> the parsed value, or ConfigurationError with one
    line for each the pack cannot use. The runtime reads them once it has installed the packs."""
    values: dict[str, Any] = {}
    problems = []
    for name, parse in parsers.items():
        try:
            values[name] = parse(os.environ.get(name) or None)
        except ValueError as error:
            problems.append(f"{name}: {error}")
    if problems:
        raise ConfigurationError(problems)
    return values


def read_environment() -> EnvironmentSettings:
    """The checked environment, or ConfigurationError with a line for every problem found."""
    try:
        settings = EnvironmentSettings()
    except ValidationError as error:
        raise ConfigurationError([_problem_line(problem) for problem in error.errors()]) from None
    if settings.secret_key is None:
        raise ConfigurationError(["SECRET_KEY: must be set (make run generates one under var/)"])
    return settings


def _problem_line(problem: dict) -> str:
    name = str(problem["loc"][0]) if problem.get("loc") else "environment"
    message = problem["msg"].removeprefix("Value error, ")
    if name in _SECRETS or "input" not in problem or isinstance(problem["input"], dict):
        return f"{name.upper()}: {message}"
    return f"{name.upper()}: {message} (got {str(problem['input'])[:60]!r})"


def http_targets(text: str | None) -> dict[str, str]:
    """HTTP_WORKER_TARGETS: a JSON object of target names to URLs; https only, except to this machine."""
    if not text:
        return {}
    try:
        targets = json.loads(text)
    except ValueError:
        raise ValueError("must be a JSON object of names to URLs") from None
    if not isinstance(targets, dict) or not all(isinstance(v, str) for v in targets.values()):
        raise ValueError("must be a JSON object of names to URLs")
    for name, url in targets.items():
        parsed = urlsplit(url)
        local = parsed.hostname in ("127.0.0.1", "localhost", "::1")
        if parsed.scheme != "https" and not (parsed.scheme == "http" and local):
            raise ValueError(f"{name!r} must be an https URL")
    return targets
