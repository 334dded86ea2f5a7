"""Settings: environment variables prefixed NEWSBOT_, or a .env file. Read once, at the edge;
everything below takes plain arguments."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from retrieval.archive import DEFAULT_MIN_RELEVANCE, DEFAULT_TOP_K
from retrieval.encoder import DEFAULT_MODEL
from retrieval.errors import NewsbotError

PREFIX = "NEWSBOT_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    embedding_model: str = Field(DEFAULT_MODEL, min_length=1)
    top_k: int = Field(DEFAULT_TOP_K, ge=1, le=10)
    min_relevance: float = Field(DEFAULT_MIN_RELEVANCE, ge=-1.0, le=1.0)
    log_level: str = Field("WARNING", pattern=r"(?i)^(DEBUG|INFO|WARNING|ERROR)$")


def load_settings(env_file: Path | str | None = ".env") -> Settings:
    """The settings, or NewsbotError with one line per bad variable."""
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = PREFIX + str(error["loc"][0]).upper() if error["loc"] else PREFIX + "?"
            lines.append(f"{name}: {error['msg'].rstrip('.')} (got {error.get('input')!r})")
        raise NewsbotError("\n".join(lines)) from None
