"""Settings, read from environment variables with safe defaults.

The application starts with no configuration at all: the instance folder holds the SQLite
database, local course content and a secret key generated on first start.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE_PATH = PROJECT_ROOT / "instance"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Settings:
    """Everything the application reads from its environment."""

    environment: str = "production"
    instance_path: Path = DEFAULT_INSTANCE_PATH
    database_url: str | None = None
    # The preview store's database (lms/customization/preview.py); None: a SQLite file in the
    # instance folder.
    preview_database_url: str | None = None
    secret_key: str | None = None
    base_url: str = "http://127.0.0.1:5000"
    # Where course packages are served: an origin of their own (docs/content-origin.md). None:
    # derived from base_url when that is a loopback address, refused otherwise.
    content_base_url: str | None = None
    max_content_length: int = 16 * 1024 * 1024
    max_package_upload_bytes: int = 5 * 1024**3
    # Run the bridge in each app process right after statements are stored (off when a
    # separate `lms bridge --follow` process does it).
    bridge_after_store: bool = True
    log_level: str = "INFO"
    lrs_unversioned_reply: str = "2.0.0"
    # Connections each process keeps open, and how many more it may open at its busiest.
    db_pool_size: int = 5
    db_max_overflow: int = 10
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def is_development(self) -> bool:
        return self.environment in {"development", "test"}

    @classmethod
    def from_environment(cls, environ: os._Environ[str] | dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        port = env.get("PORT", "5000")
        return cls(
            environment=env.get("LMS_ENV", "production"),
            instance_path=Path(env.get("LMS_INSTANCE_PATH") or DEFAULT_INSTANCE_PATH).resolve(),
            database_url=env.get("DATABASE_URL") or None,
            preview_database_url=env.get("LMS_PREVIEW_DATABASE_URL") or None,
            secret_key=env.get("LMS_SECRET_KEY") or None,
            base_url=(env.get("LMS_BASE_URL") or f"http://127.0.0.1:{port}").rstrip("/"),
            content_base_url=(env.get("LMS_CONTENT_BASE_URL") or "").rstrip("/") or None,
            max_content_length=int(env.get("LMS_MAX_REQUEST_BYTES", 16 * 1024 * 1024)),
            max_package_upload_bytes=int(env.get("LMS_MAX_PACKAGE_UPLOAD_BYTES", 5 * 1024**3)),
            bridge_after_store=env.get("LMS_BRIDGE_AFTER_STORE", "1") not in ("0", "false", "no"),
            log_level=env.get("LMS_LOG_LEVEL", "INFO").upper(),
            lrs_unversioned_reply=_xapi_version(env.get("LRS_UNVERSIONED_REPLY", "2.0.0")),
            db_pool_size=_count(env, "LMS_DB_POOL_SIZE", 5, least=1),
            db_max_overflow=_count(env, "LMS_DB_MAX_OVERFLOW", 10, least=0),
        )


def _count(env: os._Environ[str] | dict[str, str], name: str, default: int, least: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < least:
        raise ValueError(f"{name} must be a whole number of at least {least}, not {text!r}")
    return int(text)


def _xapi_version(value: str) -> str:
    if value not in ("1.0.3", "2.0.0"):
        raise ValueError(f"LRS_UNVERSIONED_REPLY must be 1.0.3 or 2.0.0, not {value!r}")
    return value


# The loopback names a browser reaches the same local server by: each is the other's content host.
LOOPBACK_PAIRS = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}
# Addresses a server listens on that no browser can be sent to: the base URL names loopback.
WILDCARD_HOSTS = {"0.0.0.0", "::", ""}  # noqa: S104 (names, compared, not bound)


@dataclass(frozen=True)
class ServedAddress:
    """What `lms run` serves on and the base URL the app is to use for it."""

    base_url: str
    host: str
    port: int
    # Said loudly at start: the configured base URL names another address than the one served.
    mismatch: str | None = None


def served_address(
    configured: str | None, host: str, port: int, *, https: bool, port_given: bool
) -> ServedAddress:
    """The base URL for a server listening on `host`:`port`.

    LMS_BASE_URL is the one setting for the portal's address: statements' IRIs and actors'
    home pages are made from it. When it is unset, the address served on is the base URL
    (so `lms run --port 5181` records IRIs on port 5181). When it is set to a loopback
    address and no port was asked for, the server listens where it says; an explicit port
    that differs is served as asked and reported (a proxy in front may make it right, which
    this process cannot see).
    """
    scheme = "https" if https else "http"
    if not configured:
        named = "127.0.0.1" if host in WILDCARD_HOSTS else host
        named = f"[{named}]" if ":" in named else named
        return ServedAddress(f"{scheme}://{named}:{port}", host, port)
    parts = urlsplit(configured)
    loopback = parts.hostname in LOOPBACK_PAIRS
    configured_port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
    if loopback and not port_given and configured_port:
        return ServedAddress(configured, host, configured_port)
    if loopback and configured_port != port:
        return ServedAddress(
            configured,
            host,
            port,
            mismatch=(
                f"LMS_BASE_URL is {configured} but this server listens on port {port}: every "
                f"statement's IRIs and every learner's account will name port "
                f"{configured_port}. Unset LMS_BASE_URL or make it http://{parts.hostname}:"
                f"{port}."
            ),
        )
    return ServedAddress(configured, host, port)


class ConfigurationError(RuntimeError):
    """A setting the application cannot start with; the message names it and says what to do."""


def content_base_url(base_url: str, configured: str | None) -> str:
    """The origin course packages are served from (LMS_CONTENT_BASE_URL), never the portal's.

    Unset, it is derived for a portal on a loopback address (127.0.0.1 and localhost swapped,
    same scheme and port), so that `make run` and the tests need no configuration; any other
    portal needs a second host name of its own, pointing at this app.
    """
    portal = urlsplit(base_url)
    if configured is None:
        other = LOOPBACK_PAIRS.get(portal.hostname or "")
        if other is None:
            raise ConfigurationError(
                f"LMS_CONTENT_BASE_URL is not set. Course packages are served from an origin "
                f"of their own, so that their scripts cannot act as the portal: give this app a "
                f"second host name (e.g. https://content.{portal.hostname}, with its own TLS "
                f"certificate) and set LMS_CONTENT_BASE_URL to it. See docs/content-origin.md."
            )
        port = f":{portal.port}" if portal.port else ""
        return f"{portal.scheme}://{other}{port}"
    content = urlsplit(configured)
    if content.scheme not in ("http", "https") or not content.hostname:
        raise ConfigurationError(
            f"LMS_CONTENT_BASE_URL must be an http(s) origin such as "
            f"https://content.example.gov, not {configured!r}."
        )
    if content.path.strip("/") or content.query or content.fragment:
        raise ConfigurationError(
            f"LMS_CONTENT_BASE_URL must be an origin alone (scheme, host, port), without a "
            f"path: {configured!r}."
        )
    if content.hostname == portal.hostname:
        # Cookies are shared by every port of a host: another port is not enough.
        raise ConfigurationError(
            f"LMS_CONTENT_BASE_URL ({configured}) must name another host than the portal's "
            f"LMS_BASE_URL ({base_url}): course packages may not run on the portal's origin."
        )
    return f"{content.scheme}://{content.netloc}"


def sqlite_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'lms.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the usual `postgres://` forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_or_create_secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, creating it once; safe when several processes start."""
    path = instance_path / SECRET_KEY_FILE
    instance_path.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written beside it, then linked into place: link() fails if another process won.
        draft = instance_path / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it or set LMS_SECRET_KEY")
    return key
