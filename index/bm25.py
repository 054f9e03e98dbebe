"""Fast BM25 with rank-bm25's exact scores.

rank-bm25 (``BM25Okapi``, ``BM25Plus``, ``BM25L``) stays the definition of the
scores, but its ``get_scores`` walks every passage in Python for every query
term. Here the build replicates its formulas with numpy (same operations in the
same order, so the per-term contributions are bit-identical) and stores, per
term, a contiguous slice of passage ids (int32, ascending) and of each
passage's contribution (float64). A query sums the slices of its terms.

Semantics kept from rank-bm25:

* every occurrence of a query term adds again (duplicates count twice);
* unknown terms contribute 0;
* Okapi floors a negative IDF (term in more than half of the passages) to
  ``epsilon * average_idf``; a term in exactly half has IDF 0;
* BM25Plus adds ``idf * delta`` to *every* passage for each known query term,
  also to passages without the term.

Differences: an empty corpus (rank-bm25 divides by zero) gives scores of length
0, and a corpus whose passages are all empty scores 0 everywhere (rank-bm25
raises for Okapi and returns NaN for the other variants). Parameters that make
rank-bm25 produce NaN (``b == 1`` with empty passages, ``k1 == 0``) are not
reproduced.
"""

from __future__ import annotations

import io
import json
import logging
import math
import mmap
import os
import struct
import threading
from collections import defaultdict
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import numpy as np

log = logging.getLogger(__name__)

VARIANTS = ("okapi", "plus", "l")
_DEFAULT_DELTA = {"okapi": 0.0, "plus": 1.0, "l": 0.5}
_MAGIC = b"BM25IDX\x00"
_VERSION = 1
_PREFIX = struct.Struct("<8sIQ")  # magic, version, header length
_CHUNK_DOCS = 16384  # passages per build chunk (local ids fit in uint16)
_PRUNE_MIN_DF = 2048  # posting lists at least this long may be skipped by top_k
_DENSE_MIN_FRACTION = 8  # terms in >= 1/8 of the passages may get a dense weight row ...
_DENSE_BUDGET = 0.25  # ... while the rows take at most this share of the postings' bytes
_ARRAYS = {"offsets": "<i8", "doc_ids": "<i4", "weights": "<f8", "idf": "<f8", "max_w": "<f8"}

Posting = tuple[int, np.ndarray, np.ndarray, float]  # term id, doc ids, weights, plus-constant


class BM25Index:
    """Term -> (passage ids, exact score contributions), CSR-style."""

    def __init__(
        self,
        *,
        variant: str,
        params: dict[str, float],
        n_docs: int,
        avgdl: float,
        vocab: dict[str, int],
        offsets: np.ndarray,
        doc_ids: np.ndarray,
        weights: np.ndarray,
        idf: np.ndarray,
        max_w: np.ndarray | None = None,
        min_w: float | None = None,
    ) -> None:
        """Wrap prepared arrays; use :meth:`build`, :meth:`load` or :meth:`from_bytes`."""
        self.variant = variant
        self.params = params
        self.avgdl = avgdl
        self._n = n_docs
        self._vocab = vocab
        self._offsets = offsets
        self._doc_ids = doc_ids
        self._weights = weights
        self._idf = idf
        # largest contribution per term, and whether none is negative (for pruning)
        self._max_w = _max_per_term(offsets, weights) if max_w is None else max_w
        if min_w is None:
            min_w = float(weights.min()) if len(weights) else 0.0
        self._min_w = min_w
        self._nonneg = self._min_w >= 0.0
        self._positive = self._min_w > 0.0
        self._dense = self._dense_rows()
        self._delta = float(params.get("delta", 0.0))
        self._local = threading.local()  # per-thread scratch arrays (see _scratch)

    # ------------------------------------------------------------------ build
    @classmethod
    def build(
        cls,
        corpus: Sequence[Sequence[str]],
        *,
        variant: str = "okapi",
        k1: float = 1.5,
        b: float = 0.75,
        epsilon: float = 0.25,
        delta: float | None = None,
    ) -> BM25Index:
        """Index token lists; ``variant`` is "okapi", "plus" or "l" (rank-bm25 defaults)."""
        if variant not in VARIANTS:
            raise ValueError(f"unknown BM25 variant {variant!r}; expected one of {VARIANTS}")
        if delta is None:
            delta = _DEFAULT_DELTA[variant]
        params = {"k1": float(k1), "b": float(b)}
        if variant == "okapi":
            params["epsilon"] = float(epsilon)
        else:
            params["delta"] = float(delta)

        n = len(corpus)
        doc_len = np.fromiter(map(len, corpus), dtype=np.int64, count=n)
        total = int(doc_len.sum())
        avgdl = total / n if n else 0.0

        # Pass 1: token -> id (first-occurrence order, like rank-bm25's dicts),
        # and per chunk the (term, passage, tf) triples sorted by term then passage.
        ids: defaultdict[str, int] = defaultdict()
        ids.default_factory = ids.__len__
        lookup = ids.__getitem__
        chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        df = np.zeros(0, dtype=np.int64)
        for start in range(0, n, _CHUNK_DOCS):
            stop = min(n, start + _CHUNK_DOCS)
            lens = doc_len[start:stop]
            tok = np.fromiter(
                map(lookup, chain.from_iterable(corpus[start:stop])),
                dtype=np.int64,
                count=int(lens.sum()),
            )
            width = stop - start
            key = tok * width + np.repeat(np.arange(width, dtype=np.int64), lens)
            del tok
            ukey, tf = np.unique(key, return_counts=True)
            del key
            term = ukey // width
            local = (ukey - term * width).astype(np.uint16)
            term = term.astype(np.int32)
            tf_small = tf.astype(np.uint16) if tf.size and tf.max() < 65536 else tf
            counts = np.bincount(term, minlength=len(ids))
            df = np.concatenate([df, np.zeros(len(ids) - len(df), dtype=np.int64)]) + counts
            chunks.append((term, local, tf_small))
        vocab: dict[str, int] = dict(ids)
        del ids, lookup

        n_terms = len(vocab)
        idf = _idf(variant, n, df, float(epsilon))
        offsets = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(df, out=offsets[1:])
        n_post = int(offsets[-1])

        # Pass 2: scatter each chunk into the final term-major arrays and
        # compute the contributions exactly as rank-bm25 does.
        doc_ids = np.empty(n_post, dtype=np.int32)
        weights = np.empty(n_post, dtype=np.float64)
        ptr = offsets[:-1].copy()
        dl_all = doc_len.astype(np.float64)
        for ci in range(len(chunks)):
            term, local, tf_small = chunks[ci]
            chunks[ci] = (term[:0], local[:0], tf_small[:0])  # free as we go
            m = len(term)
            if m == 0:
                continue
            first = np.empty(m, dtype=bool)
            first[0] = True
            np.not_equal(term[1:], term[:-1], out=first[1:])
            gstart = np.flatnonzero(first)
            gcount = np.diff(np.append(gstart, m))
            uterm = term[gstart]
            dest = ptr[term] + (np.arange(m) - np.repeat(gstart, gcount))
            docs = local.astype(np.int64) + ci * _CHUNK_DOCS
            doc_ids[dest] = docs
            weights[dest] = _contribution(
                variant, tf=tf_small.astype(np.float64), dl=dl_all[docs], idf=idf[term], avgdl=avgdl, params=params
            )
            ptr[uterm] += gcount
        del chunks
        log.info("bm25 %s index: %d passages, %d terms, %d postings", variant, n, n_terms, n_post)
        return cls(
            variant=variant,
            params=params,
            n_docs=n,
            avgdl=avgdl,
            vocab=vocab,
            offsets=offsets,
            doc_ids=doc_ids,
            weights=weights,
            idf=idf,
        )

    def _dense_rows(self) -> dict[int, np.ndarray]:
        """Dense contribution rows (0.0 where absent) for the most frequent terms.

        ``top_k`` looks candidates up in them by plain indexing instead of a
        binary search in a long posting list.
        """
        n = self._n
        if n < _PRUNE_MIN_DF:
            return {}
        df = np.diff(self._offsets)
        budget = _DENSE_BUDGET * (self._doc_ids.nbytes + self._weights.nbytes)
        rows: dict[int, np.ndarray] = {}
        for tid in np.argsort(-df, kind="stable").tolist():
            if df[tid] * _DENSE_MIN_FRACTION < n or (len(rows) + 1) * n * 8 > budget:
                break
            row = np.zeros(n, dtype=np.float64)
            lo, hi = self._offsets[tid], self._offsets[tid + 1]
            row[self._doc_ids[lo:hi]] = self._weights[lo:hi]
            rows[tid] = row
        return rows

    # ------------------------------------------------------------------ info
    @property
    def n_docs(self) -> int:
        """Number of passages."""
        return self._n

    @property
    def n_terms(self) -> int:
        """Number of distinct terms."""
        return len(self._vocab)

    def idf(self, term: str) -> float:
        """IDF as rank-bm25 computes it (after Okapi's flooring); 0.0 if unknown."""
        tid = self._vocab.get(term)
        return 0.0 if tid is None else float(self._idf[tid])

    def doc_freq(self, term: str) -> int:
        """Number of passages containing ``term``."""
        tid = self._vocab.get(term)
        return 0 if tid is None else int(self._offsets[tid + 1] - self._offsets[tid])

    def docs_with(self, term: str) -> np.ndarray:
        """Passages containing ``term``, ascending (empty if unknown)."""
        tid = self._vocab.get(term)
        if tid is None:
            return np.zeros(0, dtype=np.int32)
        return self._doc_ids[self._offsets[tid] : self._offsets[tid + 1]]

    def matched_terms(self, doc: int, query: Sequence[str]) -> list[str]:
        """The distinct terms of ``query`` that occur in passage ``doc``, in query order."""
        out: list[str] = []
        for term in dict.fromkeys(query):
            tid = self._vocab.get(term)
            if tid is None:
                continue
            ids = self._doc_ids[self._offsets[tid] : self._offsets[tid + 1]]
            pos = int(np.searchsorted(ids, doc))
            if pos < len(ids) and ids[pos] == doc:
                out.append(term)
        return out

    # ------------------------------------------------------------------ scoring
    def _postings(self, query: Sequence[str]) -> list[Posting]:
        get = self._vocab.get
        off = self._offsets
        out: list[Posting] = []
        for term in query:
            tid = get(term)
            if tid is None:
                continue
            lo, hi = off[tid], off[tid + 1]
            const = float(self._idf[tid]) * (self._delta + 0.0) if self.variant == "plus" else 0.0
            out.append((tid, self._doc_ids[lo:hi], self._weights[lo:hi], const))
        return out

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """Score of every passage, equal to rank-bm25's ``get_scores(query)``."""
        acc = np.zeros(self._n, dtype=np.float64)
        for _, ids, w, const in self._postings(query):
            if self.variant == "plus":
                term_scores = np.full(self._n, const)
                term_scores[ids] = w
                acc += term_scores
            else:
                acc[ids] += w
        return acc

    def top_k(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        """Best ``k`` (passage, score), best first, ties to the lower passage.

        Only passages containing at least one query term are candidates.
        """
        posts = self._postings(query)
        if k <= 0 or not posts:
            return []
        if len(posts) > 1:
            best = self._top_k_pruned(posts, k)
            if best is not None:
                return best
        touched, vals = self._touched_scores(posts)
        return _select(touched, vals, k)

    def _top_k_pruned(self, posts: list[Posting], k: int) -> list[tuple[int, float]] | None:
        """Exact top ``k`` without scatter-adding the long posting lists (MaxScore-like).

        Long lists (frequent, low-IDF terms) are "lazy". The passages of the
        other ("eager") lists are scored exactly, the lazy lists being read
        from dense rows, scatter-added when short, or binary-searched; their
        k-th best score ``theta`` is a lower bound of the answer's k-th score.
        A passage holding only lazy terms can reach ``theta`` only if, for one
        lazy term t, its contribution is at least ``theta`` minus the other
        lazy terms' maxima: those few passages are found by a vectorized
        comparison over t's weights and scored too. (BM25Plus works the same
        on the part of each weight above the term's constant.) Contributions
        are added in query order, as in :meth:`scores`, so scores are
        bit-identical. Returns None when the shortcut does not apply.
        """
        plus = self.variant == "plus"
        if not (self._positive if plus else self._nonneg):
            return None
        long_df = max(_PRUNE_MIN_DF, self._n // 32)
        bounds: dict[int, float] = {}  # lazy term -> largest total contribution
        for tid, ids, _, const in posts:
            if len(ids) >= long_df:
                # BM25Plus: score = sum of constants + the "excess" w - const of present terms
                bounds[tid] = bounds.get(tid, 0.0) + float(self._max_w[tid]) - const
        if not bounds:
            return None
        eager = [p[1] for p in posts if p[0] not in bounds]
        if sum(len(ids) for ids in eager) < k:
            return None
        cand = self._union(eager)
        if len(cand) < k:
            return None
        vals = self._exact(posts, bounds, cand)
        base = sum(p[3] for p in posts)  # BM25Plus constants (0.0 otherwise)
        theta = float(np.partition(vals, len(vals) - k)[len(vals) - k]) - base
        total = sum(bounds.values())
        slack = 1e-9 * (abs(theta) + total + base) + 1e-12  # float rounding of sums
        extra = []
        seen: set[int] = set()
        for tid, ids, w, const in posts:
            if tid in bounds and tid not in seen:
                seen.add(tid)
                count = sum(1 for p in posts if p[0] == tid)
                need = (theta - (total - bounds[tid]) - slack) / count
                if need <= 0:
                    return None
                hits = ids[w >= need + const]
                if len(hits):
                    extra.append(hits)
        if extra:
            more = self._union(extra)
            more = more[~_isin_sorted(cand, more)]
            if len(more):
                cand = np.concatenate([cand, more])
                vals = np.concatenate([vals, self._exact(posts, bounds, more, eager=False)])
        return _select(cand, vals, k)

    def _exact(
        self, posts: list[Posting], lazy: dict[int, float], cand: np.ndarray, *, eager: bool = True
    ) -> np.ndarray:
        """Exact scores of the sorted passages ``cand``, adding in query order.

        Eager (non-lazy) lists are scatter-added, so they must lie inside
        ``cand``; with ``eager=False`` they are skipped (``cand`` is disjoint
        from them, so they add nothing). A lazy term is read from its dense
        row, scatter-added whole when its list is short (then cleared), or
        binary-searched.
        """
        if self.variant == "plus":
            return self._plus_exact(posts, cand, None if eager else lazy)
        acc = self._scratch()
        dirty: list[np.ndarray] = []
        for tid, ids, w, _ in posts:
            if tid not in lazy:
                if eager:
                    acc[ids] += w
                continue
            row = self._dense.get(tid)
            if row is not None:
                acc[cand] += row[cand]  # adds 0.0 where absent: exact
            elif len(ids) <= 4 * len(cand):
                acc[ids] += w
                dirty.append(ids)
            else:
                pos = np.searchsorted(ids, cand)
                np.minimum(pos, len(ids) - 1, out=pos)
                found = ids[pos] == cand
                acc[cand[found]] += w[pos[found]]
        vals = acc[cand]
        acc[cand] = 0.0
        for ids in dirty:
            acc[ids] = 0.0
        return vals

    def _scratch(self) -> np.ndarray:
        """Dense float64 accumulator, all zeros between queries (one per thread)."""
        acc = getattr(self._local, "acc", None)
        if acc is None:
            acc = self._local.acc = np.zeros(self._n, dtype=np.float64)
        return acc

    def _marks(self) -> np.ndarray:
        """Dense bool scratch, all False between queries (one per thread)."""
        mark = getattr(self._local, "mark", None)
        if mark is None:
            mark = self._local.mark = np.zeros(self._n, dtype=bool)
        return mark

    def _union(self, lists: list[np.ndarray]) -> np.ndarray:
        """Sorted distinct passage ids of several posting lists."""
        if len(lists) == 1:
            return lists[0]
        n = self._n
        if sum(len(ids) for ids in lists) * 8 < n:
            return _sorted_unique(np.concatenate(lists))
        mark = self._marks()
        for ids in lists:
            mark[ids] = True
        touched = np.flatnonzero(mark)
        mark[touched] = False
        return touched

    def _touched_scores(self, posts: list[Posting]) -> tuple[np.ndarray, np.ndarray]:
        """Sorted ids of passages with a query term, and their exact scores."""
        if len(posts) == 1 and self.variant != "plus":
            return posts[0][1], posts[0][2]
        touched = self._union([p[1] for p in posts])
        if self.variant == "plus":
            return touched, self._plus_exact(posts, touched)
        acc = self._scratch()
        for _, ids, w, _ in posts:
            acc[ids] += w
        vals = acc[touched]
        acc[touched] = 0.0
        return touched, vals

    def _plus_exact(self, posts: list[Posting], cand: np.ndarray, skip: dict[int, float] | None = None) -> np.ndarray:
        """BM25Plus scores of the sorted passages ``cand``: in query order, each
        term adds its weight where present and its constant elsewhere.

        With ``skip`` given (extras pass), terms not in it are absent from all
        of ``cand`` and add their constant only.
        """
        m = len(cand)
        posmap = self._posmap()
        posmap[cand] = np.arange(m, dtype=np.int32)
        out = np.zeros(m, dtype=np.float64)
        for tid, ids, w, const in posts:
            row = self._dense.get(tid) if self._positive else None
            if skip is not None and tid not in skip:
                term = np.full(m, const)
            elif row is not None:
                got = row[cand]  # 0.0 where absent; BM25Plus weights are > 0
                term = np.where(got > 0.0, got, const)
            elif len(ids) <= 4 * m:
                term = np.full(m, const)
                where = posmap[ids]
                hit = where >= 0
                term[where[hit]] = w[hit]
            else:
                term = np.full(m, const)
                pos = np.searchsorted(ids, cand)
                np.minimum(pos, len(ids) - 1, out=pos)
                found = ids[pos] == cand
                term[found] = w[pos[found]]
            out += term
        posmap[cand] = -1
        return out

    def _posmap(self) -> np.ndarray:
        """Dense int32 scratch, all -1 between queries (one per thread)."""
        posmap = getattr(self._local, "posmap", None)
        if posmap is None:
            posmap = self._local.posmap = np.full(self._n, -1, dtype=np.int32)
        return posmap

    # ------------------------------------------------------------------ storage
    def write(self, fh: BinaryIO) -> None:
        """Stream the versioned binary format (no pickle) to ``fh``."""
        arrays = {
            "offsets": self._offsets,
            "doc_ids": self._doc_ids,
            "weights": self._weights,
            "idf": self._idf,
            "max_w": self._max_w,
        }
        vocab_blob = json.dumps(list(self._vocab), ensure_ascii=False).encode("utf-8")
        layout: dict[str, list[int]] = {}
        pos = 0
        for name, dtype in _ARRAYS.items():
            arr = arrays[name]
            layout[name] = [pos, len(arr)]
            pos += _pad8(len(arr) * np.dtype(dtype).itemsize)
        header = {
            "variant": self.variant,
            "params": self.params,
            "n_docs": self._n,
            "avgdl": self.avgdl,
            "min_w": self._min_w,
            "arrays": layout,
            "vocab": [pos, len(vocab_blob)],
        }
        hdr = json.dumps(header).encode("utf-8")
        hdr += b" " * (_pad8(_PREFIX.size + len(hdr)) - _PREFIX.size - len(hdr))
        fh.write(_PREFIX.pack(_MAGIC, _VERSION, len(hdr)))
        fh.write(hdr)
        for name, dtype in _ARRAYS.items():
            raw = np.ascontiguousarray(arrays[name], dtype=dtype)
            fh.write(raw.data)
            fh.write(b"\x00" * (_pad8(raw.nbytes) - raw.nbytes))
        fh.write(vocab_blob)

    def to_bytes(self) -> bytes:
        """The index as bytes (see :meth:`write`)."""
        buf = io.BytesIO()
        self.write(buf)
        return buf.getvalue()

    def save(self, path: str | Path) -> None:
        """Write the index to a file (atomically: a new file replaces the old)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as fh:
            self.write(fh)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | Path, *, use_mmap: bool = True) -> BM25Index:
        """Open an index written by :meth:`save`.

        By default the file is memory-mapped read-only: start-up does not read
        the posting arrays, the OS pages them in as queries touch them. (A file
        replaced by :meth:`save` keeps the old mapping valid.)
        """
        if not use_mmap:
            return cls.from_bytes(Path(path).read_bytes())
        with open(path, "rb") as fh:
            if os.fstat(fh.fileno()).st_size == 0:
                raise ValueError("not a BM25Index: empty file")
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        return cls.from_bytes(mapped)

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview | mmap.mmap) -> BM25Index:
        """Rebuild an index from :meth:`to_bytes` output; arrays are zero-copy views."""
        view = memoryview(data).cast("B")
        if len(view) < _PREFIX.size:
            raise ValueError("not a BM25Index: too short")
        magic, version, hdr_len = _PREFIX.unpack_from(view, 0)
        if magic != _MAGIC:
            raise ValueError("not a BM25Index: bad magic")
        if version != _VERSION:
            raise ValueError(f"unsupported BM25Index format version {version}")
        base = _PREFIX.size + hdr_len
        try:
            header = json.loads(bytes(view[_PREFIX.size : base]))
            arrays: dict[str, np.ndarray] = {}
            for name, dtype in _ARRAYS.items():
                if name == "max_w" and name not in header["arrays"]:
                    continue  # written before max_w was stored: recomputed
                offset, count = header["arrays"][name]
                arrays[name] = np.frombuffer(view, dtype=dtype, count=count, offset=base + offset)
            v_off, v_len = header["vocab"]
            terms = json.loads(bytes(view[base + v_off : base + v_off + v_len]).decode("utf-8"))
            n_docs, variant = int(header["n_docs"]), header["variant"]
            params, avgdl, min_w = header["params"], float(header["avgdl"]), header.get("min_w")
        except (KeyError, TypeError, IndexError, UnicodeDecodeError) as exc:
            raise ValueError(f"corrupt BM25Index: {exc!r}") from exc
        if len(arrays["offsets"]) != len(terms) + 1 or variant not in VARIANTS:
            raise ValueError("corrupt BM25Index: header and arrays disagree")
        return cls(
            variant=variant,
            params=params,
            n_docs=n_docs,
            avgdl=avgdl,
            vocab=dict(zip(terms, range(len(terms)), strict=True)),
            min_w=min_w,
            **arrays,
        )


def _max_per_term(offsets: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Largest contribution of each term (bounds for pruning)."""
    if len(offsets) <= 1:
        return np.zeros(0, dtype=np.float64)
    return np.maximum.reduceat(weights, offsets[:-1])


def _pad8(n: int) -> int:
    return (n + 7) // 8 * 8


def _idf(variant: str, n: int, df: np.ndarray, epsilon: float) -> np.ndarray:
    """Per-term IDF with rank-bm25's formulas (``math.log``, one call per distinct df)."""
    if df.size == 0:
        return np.zeros(0, dtype=np.float64)
    uniq, inverse = np.unique(df, return_inverse=True)
    if variant == "okapi":
        vals = [math.log(n - int(f) + 0.5) - math.log(int(f) + 0.5) for f in uniq]
    elif variant == "plus":
        vals = [math.log((n + 1) / int(f)) for f in uniq]
    else:
        vals = [math.log(n + 1) - math.log(int(f) + 0.5) for f in uniq]
    idf = np.asarray(vals, dtype=np.float64)[inverse.reshape(-1)]
    if variant == "okapi":
        # rank-bm25 sums in first-occurrence order (= term id order) sequentially.
        average_idf = float(np.cumsum(idf)[-1]) / len(idf)
        idf[idf < 0] = epsilon * average_idf
    return idf


def _contribution(
    variant: str,
    *,
    tf: np.ndarray,
    dl: np.ndarray,
    idf: np.ndarray,
    avgdl: float,
    params: dict[str, float],
) -> np.ndarray:
    """One term's contribution per (term, passage), operation for operation as rank-bm25."""
    k1, b = params["k1"], params["b"]
    if variant == "okapi":
        return idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)))
    delta = params["delta"]
    if variant == "plus":
        return idf * (delta + (tf * (k1 + 1)) / (k1 * (1 - b + b * dl / avgdl) + tf))
    ctd = tf / (1 - b + b * dl / avgdl)
    return idf * tf * (k1 + 1) * (ctd + delta) / (k1 + ctd + delta)


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique's hash path is slow for this)."""
    a = np.sort(a)
    if len(a) < 2:
        return a
    keep = np.empty(len(a), dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def _isin_sorted(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """Mask of ``needles`` present in the sorted ``haystack``."""
    if len(haystack) == 0:
        return np.zeros(len(needles), dtype=bool)
    pos = np.searchsorted(haystack, needles)
    np.minimum(pos, len(haystack) - 1, out=pos)
    return haystack[pos] == needles


def _select(touched: np.ndarray, vals: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Top ``k`` of ``vals`` for passages ``touched``, ties to the lower passage id."""
    m = len(vals)
    if k < m:
        kth = np.partition(vals, m - k)[m - k]
        cand = np.flatnonzero(vals >= kth)
    else:
        cand = np.arange(m)
    order = cand[np.lexsort((touched[cand], -vals[cand]))[:k]]
    return [(int(touched[i]), float(vals[i])) for i in order.tolist()]
