"""Configuration, only from the environment (checked in service/environment.py). Secrets are never
defaults in production."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from service.resources import SOURCE_ROOT, resource_dir

# The source checkout, for tests and tools that run from it; the service itself finds its files
# through service.resources, which also works from an installed wheel.
ROOT = SOURCE_ROOT
DEFAULT_DATABASE_URL = f"sqlite:///{Path('var').resolve() / 'ubp.sqlite3'}"


@dataclass(frozen=True)
class Provider:
    """The housing provider the service works for (PROVIDER_NAME, PROVIDER_ADDRESS, PROVIDER_TELEPHONE,
    PROVIDER_EMAIL, PROVIDER_WEBSITE): named on the pages, and on the letters a pack sends, which keep it."""

    name: str
    address_lines: tuple[str, ...]
    telephone: str
    email: str
    website: str

    def __post_init__(self) -> None:
        # A letter kept as JSON gives its lines back as a list; every line and field must say something.
        object.__setattr__(self, "address_lines", tuple(self.address_lines))
        if not all(isinstance(line, str) and line.strip() for line in self.address_lines):
            raise ValueError("address_lines must be a list of non-empty strings")
        for name in ("name", "telephone", "email", "website"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty string")


DEFAULT_PROVIDER = Provider(
    name="Selwood Housing", address_lines=("Bank House", "Bank Street", "Melksham", "SN12 6LE"),
    telephone="0300 123 4567", email="customer.services@example.org", website="www.example.org",
)


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
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str | None = None
    secure_cookies: bool = True
    behind_tls: bool = False
    session_idle: timedelta = timedelta(minutes=30)
    session_absolute: timedelta = timedelta(hours=10)
    # Failed sign-ins only (successes are not counted), per address; per account, the lockout below.
    login_rate_limit: str = "10 per minute"
    # And per account whatever the address (a spread-out guess at one account is still slowed).
    login_account_rate_limit: str = "20 per hour"
    lockout_after_failures: int = 5
    lockout_for: timedelta = timedelta(minutes=15)
    # Where staff reach the service, for links in emails and password reset links (PUBLIC_URL).
    public_url: str = "http://127.0.0.1:5000"
    mail: Mail = field(default_factory=Mail)
    sso: SingleSignOn = field(default_factory=SingleSignOn)
    # LOCAL_PASSWORDS=false: everyone signs in through single sign-on.
    local_passwords: bool = True
    api_rate_limit: str = "600 per minute"
    # Where the rate-limit counters live: memory:// for one process, redis://… shared by several servers.
    rate_limit_storage_url: str = "memory://"
    # How many reverse proxies in front of the service set X-Forwarded-For/-Proto (0: none is trusted).
    proxy_hops: int = 0
    max_request_bytes: int = 3 * 1024 * 1024
    db_pool_size: int = 5
    forms_dir: Path = field(default_factory=lambda: resource_dir("forms"))
    bpmn_dir: Path = field(default_factory=lambda: resource_dir("bpmn"))
    worker_poll_seconds: float = 3.0
    # /health/ready fails when no worker has reported for this long.
    worker_heartbeat_max_age: timedelta = timedelta(minutes=2)
    # Bearer token that /metrics asks for (METRICS_TOKEN); without one, /metrics answers only loopback callers.
    metrics_token: str | None = None
    log_format: str = "json"
    log_level: str = "INFO"
    # The watchdog restarts a worker that makes no progress for this long (WORKER_STALL_SECONDS): longer
    # than a batch may take within its step budgets, so only a stuck worker is ever killed.
    worker_stall_seconds: float = 300.0
    # Built-in workers (see service/builtin_workers): templates for the "email" topic, and the only
    # URLs the "http" topic may post to (HTTP_WORKER_TARGETS, JSON: {"name": "https://…"}).
    # SMTP for the email topic is ``mail`` above (the same relay as the notices).
    email_templates_dir: Path | None = None  # default: bpmn_dir; templates at <dir>/<process key>/email/<name>.txt
    http_targets: dict[str, str] = field(default_factory=dict)
    http_timeout_seconds: float = 10.0
    builtin_worker_retries: int = 3
    # How often the worker anchors the audit log (AUDIT_ANCHOR_MINUTES): events newer than the latest
    # anchor are protected by their case chain alone.
    audit_anchor_every: timedelta = timedelta(minutes=15)
    # How often the worker anonymises closed cases past their retention period (RETENTION_SWEEP_MINUTES). How long
    # a case is kept is its process's, or its pack's policy's (``Pack.retention``: a setting the runtime reads).
    retention_sweep_every: timedelta = timedelta(hours=1)
    # What the pages call the service and say it is for (SERVICE_NAME, SERVICE_DESCRIPTION): the
    # platform's own words are generic; an installation names itself.
    service_name: str = "Unacceptable behaviour cases"
    service_description: str = ("Start cases, work the tasks each process gives you step by step, and see what "
                                "happened on every case.")
    provider: Provider = field(default_factory=lambda: DEFAULT_PROVIDER)

    def lockout(self):
        from service.accounts.sign_in import Lockout

        return Lockout(self.lockout_after_failures, self.lockout_for)

    @classmethod
    def from_environment(cls) -> Settings:
        """Settings from the environment; raises service.environment.ConfigurationError listing every problem."""
        from service.environment import http_targets, read_environment

        env = read_environment()
        default = DEFAULT_PROVIDER
        return cls(
            environment=env.ubp_env,
            database_url=env.database_url or DEFAULT_DATABASE_URL,
            secret_key=env.secret_key,
            secure_cookies=env.secure_cookies if env.secure_cookies is not None else not env.development,
            behind_tls=env.behind_tls,
            db_pool_size=env.db_pool_size,
            api_rate_limit=env.api_rate_limit,
            login_rate_limit=env.login_rate_limit,
            login_account_rate_limit=env.login_account_rate_limit,
            rate_limit_storage_url=env.rate_limit_storage_url,
            proxy_hops=env.proxy_hops,
            forms_dir=env.forms_dir or resource_dir("forms"),
            bpmn_dir=env.bpmn_dir or resource_dir("bpmn"),
            worker_poll_seconds=env.worker_poll_seconds,
            worker_heartbeat_max_age=timedelta(seconds=env.worker_heartbeat_max_age_seconds),
            metrics_token=env.metrics_token,
            log_format=env.log_format,
            log_level=env.log_level,
            worker_stall_seconds=env.worker_stall_seconds,
            lockout_after_failures=env.lockout_after_failures,
            lockout_for=timedelta(minutes=env.lockout_minutes),
            public_url=env.public_url.rstrip("/"),
            mail=Mail(host=env.smtp_host, port=env.smtp_port, username=env.smtp_username, password=env.smtp_password,
                      starttls=env.smtp_starttls, sender=env.smtp_from, webhook_url=env.notify_webhook_url),
            sso=SingleSignOn(issuer=env.oidc_issuer, client_id=env.oidc_client_id or "",
                             client_secret=env.oidc_client_secret or "", scopes=env.oidc_scopes,
                             roles_claim=env.oidc_roles_claim, role_map=env.oidc_role_map,
                             create_users=env.oidc_create_users, name=env.oidc_name),
            local_passwords=env.local_passwords,
            email_templates_dir=env.email_templates_dir,
            http_targets=http_targets(env.http_worker_targets),
            http_timeout_seconds=env.http_worker_timeout_seconds,
            builtin_worker_retries=env.builtin_worker_retries,
            audit_anchor_every=env.audit_anchor_every,
            retention_sweep_every=env.retention_sweep_every,
            service_name=env.service_name,
            service_description=env.service_description,
            provider=Provider(
                name=env.provider_name or default.name,
                address_lines=(tuple(env.provider_address.split("|")) if env.provider_address
                               else default.address_lines),
                telephone=env.provider_telephone or default.telephone,
                email=env.provider_email or default.email,
                website=env.provider_website or default.website,
            ),
        )
