"""Settings from the environment and an optional ``.env`` file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "index.db"
DEFAULT_SOURCES = PROJECT_ROOT / "seeds"
DEFAULT_MAX_UPLOAD = 2_000_000  # bytes: a source added through Discord or `sources add`


@dataclass(frozen=True, slots=True)
class Config:
    token: str | None = field(default=None, repr=False)  # never printed
    db_path: Path = DEFAULT_DB
    sources_dir: Path = DEFAULT_SOURCES
    moderator_roles: tuple[str, ...] = ()  # role names allowed to use moderator commands
    ask_cooldown_s: float = 10.0
    ask_cooldown_rate: int = 3
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD

    @property
    def has_token(self) -> bool:
        return bool(self.token)


def load_config(env_file: Path | None = None, **overrides: object) -> Config:
    """Read settings: real environment first, then ``.env`` (project root or cwd)."""
    file_values: dict[str, str | None] = {}
    candidates = [env_file] if env_file else [Path.cwd() / ".env", PROJECT_ROOT / ".env"]
    for path in candidates:
        if path and path.is_file():
            file_values = dict(dotenv_values(path))
            break

    def get(name: str) -> str | None:
        value = os.environ.get(name)
        if value is None:
            value = file_values.get(name)
        return value.strip() if value and value.strip() else None

    roles = tuple(r.strip() for r in (get("BOT_MODERATOR_ROLES") or "").split(",") if r.strip())
    values: dict[str, object] = {
        "token": get("DISCORD_TOKEN"),
        "db_path": Path(get("BOT_DB_PATH") or DEFAULT_DB),
        "sources_dir": Path(get("BOT_SOURCES_DIR") or DEFAULT_SOURCES),
        "moderator_roles": roles,
        "ask_cooldown_s": float(get("BOT_ASK_COOLDOWN_SECONDS") or 10.0),
        "ask_cooldown_rate": int(get("BOT_ASK_COOLDOWN_RATE") or 3),
        "max_upload_bytes": int(get("BOT_MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD),
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Config(**values)  # type: ignore[arg-type]
