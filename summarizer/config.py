"""Settings from flags, environment, a config file and defaults, in that order: one object
every part reads.

The config file is TOML with one ``key = value`` per setting (the field names below, e.g.
``engine = "llm"``): ``$TRIALSUM_CONFIG`` when set, else ``config.toml`` in the home folder
(``$TRIALSUM_HOME`` or the default one; a ``home`` set inside the file moves the store, not the
file). OPENAI_API_KEY and OPENAI_BASE_URL are read from the environment only, so a key never
sits in a file. ``origins`` tells where each value came from (``trialsum config`` shows it).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_home() -> Path:
    """Per-user data folder: ``$XDG_DATA_HOME/trialsum`` or ~/.local/share/trialsum."""
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "trialsum"


def default_data_dir() -> Path:
    """The shared benchmark data beside the clone (``../shared/data``)."""
    return PROJECT_ROOT.parent / "shared" / "data"


CONFIG_ENV = "TRIALSUM_CONFIG"
SECRET_ENV = ("OPENAI_API_KEY",)
ENV_ONLY = ("OPENAI_API_KEY", "OPENAI_BASE_URL")


class ConfigError(ValueError):
    """A config file that cannot be used: the message is one line naming the file."""


def config_path() -> Path:
    """The config file to read: ``$TRIALSUM_CONFIG``, else ``config.toml`` in the home folder."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    home = os.environ.get("TRIALSUM_HOME")
    return (Path(home).expanduser() if home else default_home()) / "config.toml"


class ConfigFileSource(TomlConfigSettingsSource):
    """The TOML config file; a missing default file is no file, a bad one is a ``ConfigError``."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None = None) -> None:
        self.path = path or config_path()
        if not self.path.exists():
            if os.environ.get(CONFIG_ENV) and path is None:
                raise ConfigError(f"{self.path}: config file not found (set by {CONFIG_ENV})")
            super().__init__(settings_cls, toml_file=None)
            return
        try:
            super().__init__(settings_cls, toml_file=self.path)
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{self.path}: not a readable TOML file ({exc})") from None
        known = set(settings_cls.model_fields)
        unknown = sorted(k for k in self.toml_data if k.lower() not in known)
        if unknown:
            raise ConfigError(
                f"{self.path}: unknown setting(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRIALSUM_", extra="ignore")

    home: Path = Field(default_factory=default_home, description="local store folder")
    chroma_url: str | None = Field(
        default=None, description="Chroma server, e.g. http://127.0.0.1:8000"
    )
    collection: str = "trialsum"
    engine: Literal["extractive", "assisted", "llm"] = "extractive"
    embedder: Literal["onnx", "openai"] = "onnx"
    embed_threads: int = Field(default=0, description="onnxruntime intra-op threads; 0 = all cores")
    embed_batch: int = Field(default=16, description="texts per model call (sorted by length)")
    embed_max_tokens: int = Field(
        default=128, description="word pieces of each text the embedder reads (3..256)"
    )
    model: str = Field(default="gpt-4o-mini", description="chat model for the llm engine")
    embedding_model: str = "text-embedding-3-small"
    llm_timeout: float = 60.0
    llm_max_retries: int = 3
    llm_max_reply_tokens: int = Field(
        default=2048,
        ge=16,
        description="most tokens one llm reply may run to; a reply cut there is reported as cut "
        "(a small local model can otherwise write until its context is full)",
    )
    llm_concurrency: int = Field(
        default=4, ge=1, description="most llm requests in flight at once, across threads"
    )
    data_dir: Path = Field(default_factory=default_data_dir)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags (keyword arguments) over environment over the config file over defaults."""
        return (init_settings, env_settings, ConfigFileSource(settings_cls))

    @property
    def openai_api_key(self) -> str | None:
        return os.environ.get("OPENAI_API_KEY")

    @property
    def openai_base_url(self) -> str | None:
        return os.environ.get("OPENAI_BASE_URL")

    @property
    def store_dir(self) -> Path:
        return self.home / "store"

    @property
    def samples_dir(self) -> Path:
        return PROJECT_ROOT / "samples"

    @property
    def prompts_dir(self) -> Path:
        return PROJECT_ROOT / "prompts"


Origin = Literal["flag", "env", "file", "default"]


def origins(
    flags: dict[str, Any] | None = None, cls: type[Settings] = Settings
) -> dict[str, Origin]:
    """Where each setting of ``cls(**flags)`` comes from, by the same precedence the sources use."""
    flags = flags or {}
    env = EnvSettingsSource(cls)()
    file = ConfigFileSource(cls).toml_data
    file_keys = {k.lower() for k in file}
    out: dict[str, Origin] = {}
    for name in cls.model_fields:
        if name in flags:
            out[name] = "flag"
        elif name in env:
            out[name] = "env"
        elif name in file_keys:
            out[name] = "file"
        else:
            out[name] = "default"
    return out
