"""Configuration, only from the environment. Secrets are never defaults in production."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from service.casework.retention_policy import RetentionPolicy

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _flag(name: str, default: bool) -> bool:
    value = _env(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def _http_targets(text: str | None) -> dict[str, str]:
    """HTTP_WORKER_TARGETS: a JSON object of target names to URLs; https only, except to this machine."""
    if not text:
        return {}
    try:
        targets = json.loads(text)
    except ValueError:
        raise RuntimeError("HTTP_WORKER_TARGETS must be a JSON object of names to URLs") from None
    if not isinstance(targets, dict) or not all(isinstance(v, str) for v in targets.values()):
        raise RuntimeError("HTTP_WORKER_TARGETS must be a JSON object of names to URLs")
    for name, url in targets.items():
        parsed = urlsplit(url)
        local = parsed.hostname in ("127.0.0.1", "localhost", "::1")
        if parsed.scheme != "https" and not (parsed.scheme == "http" and local):
            raise RuntimeError(f"HTTP_WORKER_TARGETS[{name!r}] must be an https URL")
    return targets


@dataclass(frozen=True)
class Provider:
    name: str
    address: tuple[str, ...]
    telephone: str
    email: str
    website: str


@dataclass
class Settings:
    environment: str = "production"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'ubp.sqlite3'}"
    secret_key: str | None = None
    secure_cookies: bool = True
    behind_tls: bool = False
    session_idle: timedelta = timedelta(minutes=30)
    session_absolute: timedelta = timedelta(hours=10)
    login_rate_limit: str = "10 per minute"
    api_rate_limit: str = "600 per minute"
    max_request_bytes: int = 3 * 1024 * 1024
    db_pool_size: int = 5
    forms_dir: Path = ROOT / "forms"
    bpmn_dir: Path = ROOT / "bpmn"
    worker_poll_seconds: float = 3.0
    # The watchdog restarts a worker that makes no progress for this long (WORKER_STALL_SECONDS): longer
    # than a batch may take within its step budgets, so only a stuck worker is ever killed.
    worker_stall_seconds: float = 300.0
    # How often the worker anchors the audit log (AUDIT_ANCHOR_MINUTES): events newer than the latest
    # anchor are protected by their case chain alone.
    audit_anchor_every: timedelta = timedelta(minutes=15)
    # How long closed cases are kept (RETENTION_POLICY, JSON: see service/casework/retention_policy.py)
    # and how often the worker anonymises those past it (RETENTION_SWEEP_MINUTES).
    retention_policy: RetentionPolicy = field(default_factory=RetentionPolicy)
    retention_sweep_every: timedelta = timedelta(hours=1)
    # Built-in workers (see service/builtin_workers): an SMTP server for the "email" topic, and the only
    # URLs the "http" topic may post to (HTTP_WORKER_TARGETS, JSON: {"name": "https://…"}).
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "casework@example.org"
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    email_templates_dir: Path | None = None  # default: bpmn_dir; templates at <dir>/<process key>/email/<name>.txt
    http_targets: dict[str, str] = field(default_factory=dict)
    http_timeout_seconds: float = 10.0
    builtin_worker_retries: int = 3
    provider: Provider = field(default_factory=lambda: Provider(
        name="Selwood Housing", address=("Bank House", "Bank Street", "Melksham", "SN12 6LE"),
        telephone="0300 123 4567", email="customer.services@example.org", website="www.example.org",
    ))

    def letter_provider(self):
        from service.letters.context import Provider as LetterProvider

        p = self.provider
        return LetterProvider(p.name, tuple(p.address), p.telephone, p.email, p.website)

    @classmethod
    def from_environment(cls) -> Settings:
        environment = _env("UBP_ENV", "production")
        development = environment in {"development", "testing"}
        settings = cls(
            environment=environment,
            database_url=_env("DATABASE_URL", cls.database_url),
            secret_key=_env("SECRET_KEY"),
            secure_cookies=_flag("SECURE_COOKIES", not development),
            behind_tls=_flag("BEHIND_TLS", False),
            db_pool_size=int(_env("DB_POOL_SIZE", "5")),
            api_rate_limit=_env("API_RATE_LIMIT", cls.api_rate_limit),
            login_rate_limit=_env("LOGIN_RATE_LIMIT", cls.login_rate_limit),
            worker_poll_seconds=float(_env("WORKER_POLL_SECONDS", "3")),
            worker_stall_seconds=float(_env("WORKER_STALL_SECONDS", "300")),
            audit_anchor_every=timedelta(minutes=float(_env("AUDIT_ANCHOR_MINUTES", "15"))),
            retention_policy=RetentionPolicy.from_json(_env("RETENTION_POLICY")),
            retention_sweep_every=timedelta(minutes=float(_env("RETENTION_SWEEP_MINUTES", "60"))),
            smtp_host=_env("SMTP_HOST"),
            smtp_port=int(_env("SMTP_PORT", "25")),
            smtp_from=_env("SMTP_FROM", cls.smtp_from),
            smtp_username=_env("SMTP_USERNAME"),
            smtp_password=_env("SMTP_PASSWORD"),
            smtp_starttls=_flag("SMTP_STARTTLS", False),
            email_templates_dir=Path(_env("EMAIL_TEMPLATES_DIR")) if _env("EMAIL_TEMPLATES_DIR") else None,
            http_targets=_http_targets(_env("HTTP_WORKER_TARGETS")),
            http_timeout_seconds=float(_env("HTTP_WORKER_TIMEOUT_SECONDS", "10")),
            builtin_worker_retries=int(_env("BUILTIN_WORKER_RETRIES", "3")),
        )
        default = settings.provider
        settings.provider = Provider(
            name=_env("PROVIDER_NAME", default.name),
            address=tuple(_env("PROVIDER_ADDRESS", "|".join(default.address)).split("|")),
            telephone=_env("PROVIDER_TELEPHONE", default.telephone),
            email=_env("PROVIDER_EMAIL", default.email),
            website=_env("PROVIDER_WEBSITE", default.website),
        )
        if settings.secret_key is None:
            raise RuntimeError("SECRET_KEY must be set in the environment (make run generates one under var/).")
        return settings
