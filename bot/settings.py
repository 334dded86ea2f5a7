"""Settings: environment variables prefixed NEWSBOT_, or a .env file. Read once, at the edge;
everything below takes plain arguments."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from retrieval.addresses import IPNetwork
from retrieval.archive import DEFAULT_MIN_RELEVANCE, DEFAULT_TOP_K
from retrieval.encoder import DEFAULT_MODEL
from retrieval.errors import NewsbotError
from retrieval.fetch import DEFAULT_DEADLINE, DEFAULT_MAX_BYTES, FetchRules

PREFIX = "NEWSBOT_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    embedding_model: str = Field(DEFAULT_MODEL, min_length=1)
    top_k: int = Field(DEFAULT_TOP_K, ge=1, le=10)
    min_relevance: float = Field(DEFAULT_MIN_RELEVANCE, ge=-1.0, le=1.0)
    log_level: str = Field("WARNING", pattern=r"(?i)^(DEBUG|INFO|WARNING|ERROR)$")
    allow_private_urls: bool = False
    allowed_networks: str = ""  # comma-separated networks links may reach, e.g. 10.20.0.0/16
    fetch_ports: str = ""  # comma-separated ports allowed besides 80 and 443
    fetch_timeout: float = Field(DEFAULT_DEADLINE, gt=0, le=300)
    max_page_mb: float = Field(DEFAULT_MAX_BYTES / 2**20, gt=0, le=100)

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
            lines.append(f"{name}: {message} (got {error.get('input')!r})")
        raise NewsbotError("\n".join(lines)) from None
