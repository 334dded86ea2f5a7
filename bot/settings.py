"""Settings: environment variables prefixed NEWSBOT_, or a .env file. Read once, at the edge;
everything below takes plain arguments."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from retrieval.addresses import IPNetwork
from retrieval.archive import DEFAULT_MIN_RELEVANCE, DEFAULT_TOP_K, Archive
from retrieval.encoder import DEFAULT_MODEL
from retrieval.errors import NewsbotError
from retrieval.fetch import DEFAULT_DEADLINE, DEFAULT_MAX_BYTES, FetchRules
from retrieval.onnx_encoder import default_cache_dir
from retrieval.search import DEFAULT_REREAD

PREFIX = "NEWSBOT_"
TOKEN_PATTERN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{30,}")
SECRET_FIELDS = {"telegram_token", "webhook_secret"}


class Settings(BaseSettings):
    # An empty variable (as .env.example leaves the optional ones) means "use the default".
    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_file=".env", extra="ignore", env_ignore_empty=True
    )

    data_dir: Path = Path("data")
    embedding_model: str = Field(DEFAULT_MODEL, min_length=1)
    model_cache: Path = Field(default_factory=default_cache_dir)
    ingest_precision: Literal["auto", "fp32", "bf16"] = "auto"
    top_k: int = Field(DEFAULT_TOP_K, ge=1, le=10)
    min_relevance: float = Field(DEFAULT_MIN_RELEVANCE, ge=-1.0, le=1.0)
    reread: int = Field(DEFAULT_REREAD, ge=0, le=10)
    log_level: str = Field("WARNING", pattern=r"(?i)^(DEBUG|INFO|WARNING|ERROR)$")
    allow_private_urls: bool = False
    allowed_networks: str = ""  # comma-separated networks links may reach, e.g. 10.20.0.0/16
    fetch_ports: str = ""  # comma-separated ports allowed besides 80 and 443
    fetch_timeout: float = Field(DEFAULT_DEADLINE, gt=0, le=300)
    max_page_mb: float = Field(DEFAULT_MAX_BYTES / 2**20, gt=0, le=100)

    # Telegram: only `newsbot run` needs these.
    telegram_token: SecretStr | None = None
    telegram_api_url: str = Field("https://api.telegram.org", pattern=r"^https?://[^\s/]+(/[^\s]*)?$")
    admin_ids: str = ""  # comma-separated numeric Telegram user ids
    webhook_url: str = Field("", pattern=r"^(https?://\S+)?$")
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    links_per_message: int = Field(3, ge=1, le=20)
    ingests_per_hour: int = Field(20, ge=1, le=10_000)
    questions_per_minute: int = Field(12, ge=1, le=1_000)

    @field_validator("telegram_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        # The token itself is never echoed back: "got" would print it.
        if value is not None and not TOKEN_PATTERN.fullmatch(value.get_secret_value()):
            raise ValueError("not a bot token from @BotFather (they look like 123456789:AAE...)")
        return value

    @field_validator("admin_ids")
    @classmethod
    def _admins(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            if not part.isdigit():
                raise ValueError("expected numeric Telegram user ids separated by commas (not @usernames)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    def archive(self, graph: bool = False) -> Archive:
        return Archive(
            self.data_dir,
            model=self.embedding_model,
            model_cache=self.model_cache,
            min_relevance=self.min_relevance,
            top_k=self.top_k,
            reread=self.reread,
            graph=graph,
            ingest_precision=self.ingest_precision,
        )

    def admins(self) -> frozenset[int]:
        return frozenset(int(p) for p in self.admin_ids.split(",") if p.strip())

    @field_validator("fetch_ports")
    @classmethod
    def _ports(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            if not part.isdigit() or not 1 <= int(part) <= 65535:
                raise ValueError("expected port numbers separated by commas, like 8080,8443")
        return value

    @field_validator("allowed_networks")
    @classmethod
    def _networks(cls, value: str) -> str:
        _parse_networks(value)
        return value

    def fetch_rules(self) -> FetchRules:
        return FetchRules(
            allow_private=self.allow_private_urls,
            allowed_networks=_parse_networks(self.allowed_networks),
            extra_ports=frozenset(int(p) for p in self.fetch_ports.split(",") if p.strip()),
            deadline=self.fetch_timeout,
            max_bytes=int(self.max_page_mb * 2**20),
        )


def _parse_networks(value: str) -> tuple[IPNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in value.split(",") if p.strip())
    except ValueError as exc:
        raise ValueError("expected networks separated by commas, like 10.20.0.0/16,192.168.5.7") from exc


def load_settings(env_file: Path | str | None = ".env") -> Settings:
    """The settings, or NewsbotError with one line per bad variable."""
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = PREFIX + str(error["loc"][0]).upper() if error["loc"] else PREFIX + "?"
            message = error["msg"].removeprefix("Value error, ").rstrip(".")
            if error["loc"] and error["loc"][0] in SECRET_FIELDS:
                lines.append(f"{name}: {message}")
            else:
                lines.append(f"{name}: {message} (got {error.get('input')!r})")
        raise NewsbotError("\n".join(lines)) from None
