"""Settings from flags, environment and defaults, in that order: one object every part reads."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_home() -> Path:
    """Per-user data folder: ``$XDG_DATA_HOME/trialsum`` or ~/.local/share/trialsum."""
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "trialsum"


def default_data_dir() -> Path:
    """The shared benchmark data beside the clone (``../shared/data``)."""
    return PROJECT_ROOT.parent / "shared" / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRIALSUM_", extra="ignore")

    home: Path = Field(default_factory=default_home, description="local store folder")
    chroma_url: str | None = Field(
        default=None, description="Chroma server, e.g. http://127.0.0.1:8000"
    )
    collection: str = "trialsum"
    engine: Literal["extractive", "llm"] = "extractive"
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
    llm_concurrency: int = Field(
        default=4, ge=1, description="most llm requests in flight at once, across threads"
    )
    data_dir: Path = Field(default_factory=default_data_dir)

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
