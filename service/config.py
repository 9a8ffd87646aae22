"""Configuration, only from the environment. Secrets are never defaults in production."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from service.casework.retention_policy import RetentionPolicy

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _flag(name: str, default: bool) -> bool:
    value = _env(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


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
    # How often the worker anchors the audit log (AUDIT_ANCHOR_MINUTES): events newer than the latest
    # anchor are protected by their case chain alone.
    audit_anchor_every: timedelta = timedelta(minutes=15)
    # How long closed cases are kept (RETENTION_POLICY, JSON: see service/casework/retention_policy.py)
    # and how often the worker anonymises those past it (RETENTION_SWEEP_MINUTES).
    retention_policy: RetentionPolicy = field(default_factory=RetentionPolicy)
    retention_sweep_every: timedelta = timedelta(hours=1)
    # What the pages call the service and say it is for (SERVICE_NAME, SERVICE_DESCRIPTION): the
    # platform's own words are generic; an installation names itself.
    service_name: str = "Unacceptable behaviour cases"
    service_description: str = ("Start cases, work the tasks each process gives you step by step, and see what "
                                "happened on every case.")
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
            audit_anchor_every=timedelta(minutes=float(_env("AUDIT_ANCHOR_MINUTES", "15"))),
            retention_policy=RetentionPolicy.from_json(_env("RETENTION_POLICY")),
            retention_sweep_every=timedelta(minutes=float(_env("RETENTION_SWEEP_MINUTES", "60"))),
            service_name=_env("SERVICE_NAME", cls.service_name),
            service_description=_env("SERVICE_DESCRIPTION", cls.service_description),
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
