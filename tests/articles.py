"""A made-up article to add as a source, and the catalog as (scope, id, hash) rows."""

from __future__ import annotations

from pathlib import Path

from index.ingest import Document, read_document
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
