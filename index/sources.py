"""Source files and their manifest (``sources.yaml``): read, validate, label."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path

import yaml

from index.ingest import read_document
from index.models import GLOBAL_SCOPE, SourceError

log = logging.getLogger(__name__)

MANIFEST_NAMES = ("sources.yaml", "sources.yml")
# Files beside the sources that are not sources: the manifest and the corpus profile.
NOT_SOURCES = (*MANIFEST_NAMES, "corpus.yaml")
MAX_SOURCE_BYTES = 20_000_000
_FIELDS = ("label", "tag", "site", "date", "url")


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    label: str | None = None
    tag: str | None = None
    site: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A source read from disk, validated, with its metadata resolved."""

    id: str
    path: Path
    text: str
    content_hash: str
    label: str
    tag: str
    site: str | None
    date: str | None
    url: str | None
    scope: str = GLOBAL_SCOPE


def _where(path: Path, node: yaml.Node) -> str:
    return f"{path}:{node.start_mark.line + 1}"


def load_manifest(path: Path) -> dict[str, ManifestEntry]:
    """Parse a manifest; any problem is a SourceError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: manifest is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise SourceError(f"{path}: cannot read manifest ({exc.strerror})") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        # An unclosed bracket is noticed at the end of the file: the line that opened
        # it (the context) is the one to fix.
        mark = exc.context_mark or exc.problem_mark
        line = f":{mark.line + 1}" if mark else ""
        what = "; ".join(x for x in (exc.context, exc.problem) if x)
        raise SourceError(f"{path}{line}: malformed YAML: {what}") from exc
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: malformed YAML: {exc}") from exc
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise SourceError(f"{_where(path, root)}: manifest must be a mapping with a 'sources' key")
    sources_node: yaml.Node | None = None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "sources":
            if sources_node is not None:
                raise SourceError(f"{_where(path, key)}: 'sources' appears twice (the second would replace the first)")
            sources_node = value
        else:
            raise SourceError(f"{_where(path, key)}: unknown top-level key {getattr(key, 'value', key)!r}")
    if sources_node is None or (isinstance(sources_node, yaml.ScalarNode) and sources_node.value in ("", "~", "null")):
        return {}
    if not isinstance(sources_node, yaml.MappingNode):
        raise SourceError(f"{_where(path, sources_node)}: 'sources' must map source ids to their metadata")
    entries: dict[str, ManifestEntry] = {}
    for key, value in sources_node.value:
        if not isinstance(key, yaml.ScalarNode) or not key.value.strip():
            raise SourceError(f"{_where(path, key)}: a source id must be a plain name")
        sid = key.value.strip()
        if sid in entries:
            raise SourceError(f"{_where(path, key)}: source {sid!r} is listed twice")
        if not isinstance(value, yaml.MappingNode):
            raise SourceError(f"{_where(path, value)}: source {sid!r} must be a mapping (label, site, date, url, tag)")
        fields: dict[str, str] = {}
        for fkey, fval in value.value:
            name = getattr(fkey, "value", None)
            if name not in _FIELDS:
                raise SourceError(f"{_where(path, fkey)}: unknown field {name!r} for source {sid!r}")
            if not isinstance(fval, yaml.ScalarNode):
                raise SourceError(f"{_where(path, fval)}: field {name!r} of {sid!r} must be text")
            if fval.value.strip():
                fields[str(name)] = fval.value.strip()
        entries[sid] = ManifestEntry(**fields)
    return entries


def read_bytes(path: Path) -> bytes:
    """A source file's bytes; too large or unreadable files are a SourceError."""
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise SourceError(f"{path}: {size:,} bytes is over the {MAX_SOURCE_BYTES:,}-byte limit for one source")
        return path.read_bytes()
    except PermissionError as exc:
        raise SourceError(f"{path}: permission denied") from exc
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror})") from exc


def default_tag(source_id: str) -> str:
    """``001_03c4…`` → ``S1``; other ids are used as written (shortened)."""
    m = re.match(r"(\d+)", source_id)
    return f"S{int(m.group(1))}" if m else source_id[:16]


def list_source_files(folder: Path, skip: Set[str] = frozenset()) -> list[Path]:
    """Every regular, visible file of ``folder`` except the manifest, sorted by name."""
    if not folder.exists():
        raise SourceError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise SourceError(f"{folder}: not a folder")
    try:
        entries = sorted(folder.iterdir())
    except PermissionError as exc:
        raise SourceError(f"{folder}: permission denied") from exc
    inside = folder.resolve()
    files = []
    for p in entries:
        if p.name.startswith(".") or p.name in NOT_SOURCES or str(p.resolve()) in skip:
            continue
        if p.is_symlink() and not p.resolve().is_relative_to(inside):
            raise SourceError(f"{p}: a link to a file outside the sources folder; links out are not followed")
        if p.is_file():
            files.append(p)
    return files


def load_sources(folder: Path, scope: str = GLOBAL_SCOPE, skip: Set[str] = frozenset()) -> list[SourceFile]:
    """Read and validate every source of a folder (but the paths in ``skip``); the first
    problem raises SourceError."""
    files = list_source_files(folder, skip)
    manifest: dict[str, ManifestEntry] = {}
    for name in MANIFEST_NAMES:
        if (folder / name).is_file():
            manifest = load_manifest(folder / name)
            break
    if not files:
        raise SourceError(f"{folder}: no source files to index")
    out: list[SourceFile] = []
    seen_ids: dict[str, Path] = {}
    seen_tags: set[str] = set()
    for path in files:
        sid = path.stem
        if sid in seen_ids:
            raise SourceError(f"{path}: same source id {sid!r} as {seen_ids[sid].name}")
        seen_ids[sid] = path
        try:
            doc = read_document(path.name, read_bytes(path), max_bytes=MAX_SOURCE_BYTES, unknown_as_text=True)
        except SourceError as exc:
            raise SourceError(f"{path}: {str(exc).removeprefix(path.name).lstrip(': ')}") from exc
        text = doc.text
        meta = manifest.get(sid, ManifestEntry())
        label = meta.label or doc.label
        tag = meta.tag or default_tag(sid)
        if tag in seen_tags:
            tag = sid[:16]
        seen_tags.add(tag)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        out.append(SourceFile(sid, path, text, digest, label, tag, meta.site, meta.date, meta.url, scope))
    unknown = sorted(set(manifest) - set(seen_ids))
    if unknown:
        log.warning("manifest lists sources with no file: %s", ", ".join(unknown))
    return out
