"""The language data files: what they say is read as written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from index.lexicon import CorpusProfile
from index.models import SourceError

DATA = Path(__file__).resolve().parent.parent / "index" / "data"


def _scalars(node: Any, path: str) -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [x for k, v in node.items() for x in [(f"{path}.{k} (key)", k), *_scalars(v, f"{path}.{k}")]]
    if isinstance(node, list):
        return [x for i, v in enumerate(node) for x in _scalars(v, f"{path}[{i}]")]
    return [(path, node)]


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.yaml")))
def test_no_word_is_read_as_a_yaml_boolean(name: str) -> None:
    """YAML 1.1 reads bare no/yes/on/off/true/false as booleans: "no" had silently become
    "false" in the negations, so "no charges were laid" was read as an affirmation."""
    booleans = [
        p for p, v in _scalars(yaml.safe_load((DATA / name).read_text(encoding="utf-8")), name) if isinstance(v, bool)
    ]
    assert booleans == [], f"quote these words: {booleans}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("synonyms: [[no, none]]\n", "quote it"),
        ("names: [[Smith, Smyth]]\nplaces: [Boston]\n", "'places' must map"),
        ("names: [[unclosed\n", "malformed YAML"),
    ],
)
def test_a_corpus_profile_with_a_mistake_is_refused_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "corpus.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        CorpusProfile.load(tmp_path)
    assert message in str(err.value) and "\n" not in str(err.value)
