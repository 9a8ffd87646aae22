"""Configuration, only from the environment. Secrets are never defaults in production."""

from __future__ import annotations

import json
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


@dataclass(frozen=True)
class Mail:
    """SMTP relay (SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_STARTTLS, SMTP_FROM) and an optional
    Teams or other webhook (NOTIFY_WEBHOOK_URL). With no SMTP_HOST, notices are kept but marked undeliverable."""

    host: str | None = None
    port: int = 587
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    sender: str = "casework-notifications@localhost"
    webhook_url: str | None = None
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class SingleSignOn:
    """OpenID Connect (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_SCOPES, OIDC_ROLES_CLAIM,
    OIDC_ROLE_MAP, OIDC_CREATE_USERS, OIDC_NAME). Off unless an issuer is set."""

    issuer: str | None = None
    client_id: str = ""
    client_secret: str = ""
    scopes: str = "openid profile email"
    # Entra ID puts app roles in "roles" (or group ids in "groups"); values are mapped to our roles.
    roles_claim: str = "roles"
    role_map: dict[str, str] = field(default_factory=dict)
    create_users: bool = False
    name: str = "your organisation's account"

    @property
    def enabled(self) -> bool:
        return bool(self.issuer and self.client_id)


@dataclass
class Settings:
    environment: str = "production"
    database_url: str = f"sqlite:///{ROOT / 'var' / 'ubp.sqlite3'}"
    secret_key: str | None = None
    secure_cookies: bool = True
    behind_tls: bool = False
    session_idle: timedelta = timedelta(minutes=30)
    session_absolute: timedelta = timedelta(hours=10)
    # Failed sign-ins only (successes are not counted), per address; per account, the lockout below.
    login_rate_limit: str = "10 per minute"
    lockout_after_failures: int = 5
    lockout_for: timedelta = timedelta(minutes=15)
    # Where staff reach the service, for links in emails and password reset links (PUBLIC_URL).
    public_url: str = "http://127.0.0.1:5000"
    mail: Mail = field(default_factory=Mail)
    sso: SingleSignOn = field(default_factory=SingleSignOn)
    # LOCAL_PASSWORDS=false: everyone signs in through single sign-on.
    local_passwords: bool = True
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
    provider: Provider = field(default_factory=lambda: Provider(
        name="Selwood Housing", address=("Bank House", "Bank Street", "Melksham", "SN12 6LE"),
        telephone="0300 123 4567", email="customer.services@example.org", website="www.example.org",
    ))

    def lockout(self):
        from service.accounts.sign_in import Lockout

        return Lockout(self.lockout_after_failures, self.lockout_for)

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
            lockout_after_failures=int(_env("LOCKOUT_AFTER_FAILURES", "5")),
            lockout_for=timedelta(minutes=float(_env("LOCKOUT_MINUTES", "15"))),
            public_url=_env("PUBLIC_URL", cls.public_url).rstrip("/"),
            worker_poll_seconds=float(_env("WORKER_POLL_SECONDS", "3")),
            audit_anchor_every=timedelta(minutes=float(_env("AUDIT_ANCHOR_MINUTES", "15"))),
            retention_policy=RetentionPolicy.from_json(_env("RETENTION_POLICY")),
            retention_sweep_every=timedelta(minutes=float(_env("RETENTION_SWEEP_MINUTES", "60"))),
        )
        settings.mail = Mail(
            host=_env("SMTP_HOST"), port=int(_env("SMTP_PORT", "587")), username=_env("SMTP_USERNAME"),
            password=_env("SMTP_PASSWORD"), starttls=_flag("SMTP_STARTTLS", True),
            sender=_env("SMTP_FROM", Mail.sender), webhook_url=_env("NOTIFY_WEBHOOK_URL"),
        )
        settings.sso = SingleSignOn(
            issuer=_env("OIDC_ISSUER"), client_id=_env("OIDC_CLIENT_ID", ""),
            client_secret=_env("OIDC_CLIENT_SECRET", ""), scopes=_env("OIDC_SCOPES", SingleSignOn.scopes),
            roles_claim=_env("OIDC_ROLES_CLAIM", "roles"), role_map=json.loads(_env("OIDC_ROLE_MAP", "{}")),
            create_users=_flag("OIDC_CREATE_USERS", False), name=_env("OIDC_NAME", SingleSignOn.name),
        )
        settings.local_passwords = _flag("LOCAL_PASSWORDS", True)
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
