"""Made-up articles: one to add as a source, a few in memory as a whole engine; the catalog as
(scope, id, hash) rows."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from index.engine import Engine
from index.ingest import Document, read_document
from index.models import Source
from index.store import catalog, connect

ARTICLE = (
    "Agents Return to Lynn\n"
    "ICE agents returned to Lynn on June 2, 2025, and detained two men outside a bakery on Union Street.\n"
    "Essex County Sheriff Kevin Coppinger said the agents did not notify his office before the arrests.\n"
)


def article(name: str = "lynn.txt", text: str = ARTICLE) -> Document:
    return read_document(name, text.encode())


async def catalog_keys(db_path: Path) -> list[tuple[str, str, str]]:
    db = await connect(db_path, write=False)
    try:
        return [(e.source.scope, e.source.id, e.source.content_hash) for e in await catalog(db)]
    finally:
        await db.close()


def engine_over(texts: Mapping[str, str]) -> Engine:
    """An in-memory engine over these texts (keys are the source ids; tags S0, S1, … in order)."""
    return Engine.from_texts([Source(k, k, f"S{i}") for i, k in enumerate(texts)], texts)
