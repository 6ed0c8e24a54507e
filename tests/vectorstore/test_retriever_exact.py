"""The exact-term pass of trial ranking: in a short query, a rare name or code ('Wuhan',
'NCT04430530') puts the trial that carries it first, ahead of loose meaning matches; common
words and long descriptions are left to fusion."""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.models import Chunk
from vectorstore.retriever import HybridRetriever, RetrievalConfig, name_like_terms


def chunk(trial: str, text: str, section: str = "summary") -> Chunk:
    return Chunk(
        id=f"{trial}-{section}",
        trial_id=trial,
        section=section,  # type: ignore[arg-type]
        text=text,
        start=0,
        end=len(text),
        source_path=f"{trial}.xml",
        content_hash=trial,
        ordinal=0,
        title=f"title {trial}",
    )


LOOSE = [chunk(f"NCT0000000{i}", "A hospital study of pneumonia care") for i in range(1, 6)]
NAMED = chunk("NCT09999999", "Tongji Hospital, Wuhan, Hubei, China", "locations")


class Dense:
    def dense_query(self, vector, n, *, trial_ids=None, sections=None):  # type: ignore[no-untyped-def]
        return [(c, 0.9 - i / 100) for i, c in enumerate(LOOSE)]


class Lexical:
    """Word search over the chunks above: a chunk scores by how many query words it holds."""

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        trial_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        words = {w.lower() for w in query.split() if w.lower() not in {"in", "a", "the"}}
        out = []
        for c in [*LOOSE, NAMED]:
            score = sum(1.0 for w in words if w in c.text.lower().replace(",", " ").split())
            if score:
                out.append((c, score + (0.5 if c in LOOSE else 0.0)))
        return sorted(out, key=lambda x: -x[1])[:k]


class Embedder:
    def embed_query(self, text: str) -> list[float]:
        return [0.0]


def ranked(query: str, **config: object) -> list[str]:
    r = HybridRetriever(Dense(), Lexical(), Embedder(), RetrievalConfig(**config))  # type: ignore[arg-type]
    return [t.trial_id for t in r.search_trials(query, k=6)]


def test_the_trial_naming_the_place_ranks_first() -> None:
    assert ranked("hospital in Wuhan")[0] == NAMED.trial_id
    hits = HybridRetriever(Dense(), Lexical(), Embedder()).search_trials("hospital in Wuhan", k=1)  # type: ignore[arg-type]
    assert hits[0].hits and "Wuhan" in hits[0].hits[0].chunk.text  # with its evidence


def test_without_the_pass_fusion_lets_loose_matches_win() -> None:
    assert ranked("hospital in Wuhan", exact_max_words=0)[0] != NAMED.trial_id


def test_a_term_too_common_to_be_the_point_is_not_lifted() -> None:
    # 'Hospital' is in every chunk: with a limit of 3 chunks it is common, so no trial is lifted
    assert ranked("Hospital care", exact_max_chunks=3) == ranked("Hospital care", exact_max_words=0)


def test_only_names_and_codes_of_short_queries_count() -> None:
    assert name_like_terms("Is there a hospital in Wuhan?", 12) == ["Wuhan"]
    assert name_like_terms("trials of KRAS g12c or NCT04430530", 12) == [
        "KRAS",
        "g12c",
        "NCT04430530",
    ]
    long = "A 45-year-old woman from Wuhan " + "with cough and fever " * 5
    assert name_like_terms(long, 12) == []
