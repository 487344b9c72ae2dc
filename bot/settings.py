"""Settings, read once at start-up from GRIDBOT_* variables and an optional .env file.

Nothing reads the environment elsewhere: the wiring builds one Settings and passes it down,
so tests construct Settings(...) directly.
"""
from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("zh", "en")
EMERGENCY_DEFAULT = {"fire": "119", "ambulance": "120", "police": "110"}  # mainland China


class SettingsError(Exception):
    """A wrong setting: the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRIDBOT_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str = ""  # default: sqlite file in data_dir
    telegram_token: str = ""
    telegram_api_base: str = ""  # a self-hosted Bot API server, e.g. http://127.0.0.1:8081
    webhook_url: str = ""  # public https URL; empty means long polling
    webhook_secret: str = ""
    webhook_listen: str = "0.0.0.0:8443"
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    web_enabled: bool | None = None  # default: on when there is no Telegram token
    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh"
    demo: bool | None = None  # load the demo community; default: on with the SQLite default
    org_file: Path | None = None
    routing_file: Path | None = None
    taxonomy_override: Path | None = None
    points_file: Path | None = None
    outbox_batch: int = 50
    send_rate_per_s: float = 25.0  # Telegram allows ~30/s for a bot; keep a margin
    allow_paid_broadcast: bool = False
    # the public emergency numbers an urgent report reminds the resident to call first (an empty dict: no reminder)
    emergency_numbers: dict[str, str] = Field(default_factory=lambda: dict(EMERGENCY_DEFAULT))
    max_text_chars: int = 4000  # longer messages are refused politely (a matter told in words: see resident.py)
    templates_dir: Path = ROOT / "templates"
    log_level: str = "INFO"
    instance_id: str = Field(default="")  # a name for leases; default: host:pid

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}") from None
        return v

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, v: str) -> str:
        if v not in LOCALES:
            raise ValueError(f"must be one of {', '.join(LOCALES)}")
        return v

    @field_validator("emergency_numbers")
    @classmethod
    def _emergency(cls, v: dict[str, str]) -> dict[str, str]:
        unknown = set(v) - set(EMERGENCY_DEFAULT)
        if unknown:
            raise ValueError(f"unknown service {sorted(unknown)[0]!r}; use {', '.join(EMERGENCY_DEFAULT)}")
        bad = [n for n in v.values() if not re.fullmatch(r"[0-9+\- ]{2,20}", n.strip())]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a phone number")
        return {k: n.strip() for k, n in v.items()}

    @field_validator("database_url")
    @classmethod
    def _db(cls, v: str) -> str:
        if v and not (v.startswith("sqlite+aiosqlite://") or v.startswith("postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return v

    @field_validator("telegram_token")
    @classmethod
    def _token(cls, v: str) -> str:
        if v and (":" not in v or not v.split(":", 1)[0].isdigit()):
            raise ValueError("does not look like a Bot API token (digits:letters)")
        return v

    @field_validator("webhook_url")
    @classmethod
    def _webhook(cls, v: str) -> str:
        if v and not v.startswith("https://") and not v.startswith("http://127.0.0.1"):
            raise ValueError("must be an https:// URL")
        return v

    @model_validator(mode="after")
    def _defaults(self) -> "Settings":
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("webhook_secret: required when webhook_url is set")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'gridbot.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    @property
    def web_on(self) -> bool:
        return self.web_enabled if self.web_enabled is not None else not self.telegram_token

    @property
    def demo_on(self) -> bool:
        return self.demo if self.demo is not None else not self.database_url


def load_settings(**overrides) -> Settings:
    """Build Settings or raise SettingsError with one line naming the wrong setting."""
    try:
        return Settings(**overrides)
    except ValidationError as e:
        err = e.errors()[0]
        name = ".".join(str(p) for p in err.get("loc", ())) or "settings"
        msg = err.get("msg", "invalid").removeprefix("Value error, ")
        raise SettingsError(f"GRIDBOT_{name.upper()}: {msg}") from None
