"""The offline MiniLM embedder: sentence-transformers' vectors, fast, offline, Chroma-ready."""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

from vectorstore.onnx_embedder import DIM, MAX_TOKENS, OnnxMiniLMEmbedder

PREGNANT = "Pregnant or breastfeeding women"
NURSING = "Women who are pregnant or nursing"
HEMOGLOBIN = "Hemoglobin above 80 g/L"
MIXED = [
    PREGNANT,
    "Patients with a history of myocardial infarction within 6 months prior to enrollment, "
    "unstable angina, or congestive heart failure (NYHA class III or IV).",
    HEMOGLOBIN,
    "x",
    "",
    NURSING,
    "Adequate organ function: ANC >= 1.5 x 10^9/L, platelets >= 100 x 10^9/L, "
    "AST/ALT <= 2.5 x ULN.",
]


@pytest.fixture(autouse=True)
def _offline(no_network: None) -> None:
    """Every test here runs with the network cut off."""


@pytest.fixture(scope="module")
def embedder() -> OnnxMiniLMEmbedder:
    return OnnxMiniLMEmbedder(batch_size=3)


def test_vectors_are_unit_length_and_384_wide(embedder: OnnxMiniLMEmbedder) -> None:
    vectors = np.array(embedder.embed_documents(MIXED))
    assert vectors.shape == (len(MIXED), DIM) == (len(MIXED), embedder.dim)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_criteria_score_higher_than_unrelated_ones(embedder: OnnxMiniLMEmbedder) -> None:
    a, b, c = (np.array(v) for v in embedder.embed_documents([PREGNANT, NURSING, HEMOGLOBIN]))
    assert a @ b > 0.6
    assert a @ b > a @ c + 0.4
    assert a @ b > b @ c + 0.4


def test_batching_and_padding_do_not_change_vectors(embedder: OnnxMiniLMEmbedder) -> None:
    batched = np.array(embedder.embed_documents(MIXED))
    one_by_one = np.array([embedder.embed_query(t) for t in MIXED])
    np.testing.assert_allclose(batched, one_by_one, atol=1e-4)


def test_padding_to_256_gives_the_same_vectors(embedder: OnnxMiniLMEmbedder) -> None:
    dynamic = embedder.embed_array(MIXED[:3])
    padded = OnnxMiniLMEmbedder(pad_to_max=True).embed_array(MIXED[:3])
    np.testing.assert_allclose(dynamic, padded, atol=1e-4)


def test_output_follows_input_order_after_length_sorting(embedder: OnnxMiniLMEmbedder) -> None:
    forward = np.array(embedder.embed_documents(MIXED))
    backward = np.array(embedder.embed_documents(MIXED[::-1]))
    np.testing.assert_allclose(forward, backward[::-1], atol=1e-4)
    assert not np.allclose(forward[0], forward[1])


def test_long_texts_are_truncated_to_256_tokens(embedder: OnnxMiniLMEmbedder) -> None:
    head = " ".join(f"criterion{i}" for i in range(300))
    first, second = head + " pregnant women", head + " hemoglobin levels"
    assert embedder.count_tokens([first])[0] > MAX_TOKENS
    a, b = embedder.embed_documents([first, second])
    np.testing.assert_allclose(a, b, atol=1e-6)  # the differing tails are beyond 256 tokens


def test_count_tokens_includes_special_tokens(embedder: OnnxMiniLMEmbedder) -> None:
    assert embedder.count_tokens(["", "women"]) == [2, 3]


def test_empty_input_gives_no_vectors(embedder: OnnxMiniLMEmbedder) -> None:
    assert embedder.embed_documents([]) == []


def test_concurrent_first_use_loads_once_and_agrees() -> None:
    fresh = OnnxMiniLMEmbedder(threads=1, batch_size=2)
    results: list[np.ndarray] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(fresh.embed_array(MIXED))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 4
    for r in results[1:]:
        np.testing.assert_allclose(r, results[0], atol=1e-6)


def test_rejects_a_nonsense_batch_size() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        OnnxMiniLMEmbedder(batch_size=0)


class TestChromaProtocol:
    def test_call_returns_float32_vectors(self, embedder: OnnxMiniLMEmbedder) -> None:
        out = embedder([PREGNANT, HEMOGLOBIN])
        assert len(out) == 2
        assert all(v.dtype == np.float32 and v.shape == (DIM,) for v in out)

    def test_query_form_returns_a_list_of_vectors(self, embedder: OnnxMiniLMEmbedder) -> None:
        out = embedder.embed_query(input=[PREGNANT])
        np.testing.assert_allclose(out[0], embedder.embed_query(PREGNANT), atol=1e-6)

    def test_name_is_both_a_string_and_callable(self, embedder: OnnxMiniLMEmbedder) -> None:
        assert isinstance(embedder.name, str)
        assert embedder.name() == OnnxMiniLMEmbedder.name() == embedder.name

    def test_config_round_trip(self, embedder: OnnxMiniLMEmbedder) -> None:
        rebuilt = OnnxMiniLMEmbedder.build_from_config(embedder.get_config())
        assert isinstance(rebuilt, OnnxMiniLMEmbedder)
        assert rebuilt.get_config() == embedder.get_config()
        assert not embedder.is_legacy()

    def test_collection_uses_it_without_warnings(
        self, embedder: OnnxMiniLMEmbedder, tmp_path
    ) -> None:
        import chromadb

        client = chromadb.PersistentClient(
            path=str(tmp_path / "db"), settings=chromadb.Settings(anonymized_telemetry=False)
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            col = client.create_collection("criteria", embedding_function=embedder)
            col.add(ids=["p", "h"], documents=[PREGNANT, HEMOGLOBIN])
            found = col.query(query_texts=[NURSING], n_results=1)
            reopened = client.get_collection("criteria")
            found_again = reopened.query(query_texts=[NURSING], n_results=1)
        assert found["ids"] == found_again["ids"] == [["p"]]
        assert col.configuration["hnsw"]["space"] == "cosine"
        assert isinstance(reopened.configuration["embedding_function"], OnnxMiniLMEmbedder)
