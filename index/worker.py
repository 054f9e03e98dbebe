"""``python -m index.worker``: one build, in a process of its own (see store.rebuild(isolated=True)).

Reads a pickled ``(database path, change)`` on standard input; writes length-prefixed pickled
messages on standard output: ``("progress", (done, total, label))`` while it works, then
``("done", BuildReport)`` or ``("failed", EngineError)``. Anything it logs goes to standard error.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import sys
from typing import Any, BinaryIO

from index.models import DatabaseError, EngineError
from index.store import MESSAGE_HEADER, rebuild

log = logging.getLogger(__name__)

BUILD_NICENESS = 10


def _send(out: BinaryIO, kind: str, body: Any) -> None:
    data = pickle.dumps((kind, body), pickle.HIGHEST_PROTOCOL)
    out.write(len(data).to_bytes(MESSAGE_HEADER, "big") + data)
    out.flush()


def main() -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # Background work: the bot that started it keeps the processor when both want it.
    os.nice(BUILD_NICENESS)
    out = sys.stdout.buffer
    db_path, change = pickle.loads(sys.stdin.buffer.read())  # from the parent process only
    try:
        report = asyncio.run(rebuild(db_path, change, progress=lambda *p: _send(out, "progress", p)))
    except EngineError as exc:
        _send(out, "failed", exc)
        return 1
    except Exception as exc:  # the parent shows one line; the rest is on standard error
        log.exception("build failed")
        _send(out, "failed", DatabaseError(f"the build failed: {exc}"))
        return 1
    _send(out, "done", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
