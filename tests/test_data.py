"""The language data files: what they say is read as written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

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
