"""Hostile and oversized sources: nothing pings, nothing formats, everything fits."""

from __future__ import annotations

import json
import re
from pathlib import Path

from discord_fixtures import start_bot
from discord_stub import CHANNEL_ID, DiscordStub, limit_violations, message_bodies

from bot.config import Config
from index.store import build_index

pytest_plugins = ["discord_fixtures"]

HOSTILE = """Harbor raid notes

At the harbor raid @everyone was told to stay inside, and <@123> posted the schedule; <@&456> and @here \
were pinged too. A [trusted link](https://evil.example/phish) went round with **bold** claims and \
~~struck~~ ones and a spoiler ||here||.
# Heading injected at the harbor
> a fake block quote about the harbor raid
```py
print("code fence injected at the harbor raid")
```
"""


def walk_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in walk_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in walk_strings(v)]
    return []


def write_sources(folder: Path, files: dict[str, str], manifest: str) -> None:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "sources.yaml").write_text(manifest, encoding="utf-8")


async def build(folder: Path, files: dict[str, str], manifest: str, db: Path) -> None:
    write_sources(folder, files, manifest)
    await build_index(folder, db)


async def test_source_with_mentions_and_markdown_pings_nobody(stub: DiscordStub, tmp_path: Path) -> None:
    db = tmp_path / "hostile.db"
    manifest = 'sources:\n  001_harbor:\n    label: "Harbor @everyone <@123> [x](https://evil.example)"\n'
    other = "Weather notes\n\nThe weather in the valley was mild and sunny all week, with light winds and no rain.\n"
    await build(tmp_path / "src", {"001_harbor.txt": HOSTILE, "002_weather.txt": other}, manifest, db)
    bot = await start_bot(Config(token="t", db_path=db, sources_dir=tmp_path / "src", ask_cooldown_rate=50))
    try:
        inter = await stub.ask("What happened at the harbor raid?")
        body = await inter.reply()
        mark = len(stub.requests)
        await stub.mention("What happened at the harbor raid?")
        await stub.wait_for(lambda r: r.path == f"/channels/{CHANNEL_ID}/messages", after=mark)
    finally:
        await bot.stop()
    assert len(body["embeds"]) >= 2
    bodies = message_bodies(stub.requests)
    assert len(bodies) == 2
    for b in bodies:
        assert b["allowed_mentions"]["parse"] == []
        assert b["allowed_mentions"].get("replied_user") in (None, False)
        text = "\n".join(walk_strings(b["embeds"]))
        assert "harbor" in text.lower()
        for raw in ("@everyone", "@here", "<@123>", "<@&456>", "**bold", "```", "\n# ", "\n> ", "||here"):
            assert raw not in text, raw
        assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", text)  # no masked link survives
        assert "\\[trusted link\\](https://evil.example/phish)" in text  # it is shown, escaped
        assert json.dumps(b).count("evil.example/phish") <= 1  # shown as text, never as a masked link


async def test_very_long_answer_fits_every_limit(stub: DiscordStub, tmp_path: Path) -> None:
    db = tmp_path / "long.db"

    # Long run-on passages full of characters that grow when escaped, under very long labels.
    def run_on(i: int, j: int) -> str:
        return " ".join(f"ferry_*dock*`|~ pier{i}x{j}x{n} <@{i}{j}{n}>" for n in range(120)) + " ferry dock.\n\n"

    files = {
        f"00{i}_long.txt": f"Ferry dock report {i}\n\n" + "".join(run_on(i, j) for j in range(3)) for i in range(1, 7)
    }
    manifest = "sources:\n" + "".join(
        f'  00{i}_long:\n    label: "{("Ferry dock label " * 30).strip()} {i}"\n' for i in range(1, 7)
    )
    await build(tmp_path / "src", files, manifest, db)
    bot = await start_bot(Config(token="t", db_path=db, sources_dir=tmp_path / "src", ask_cooldown_rate=50))
    try:
        inter = await stub.ask("ferry dock " * 40)
        body = await inter.reply()
        ids = [c["custom_id"] for row in body["components"] for c in row["components"]]
        clicks = [i for i in ids if i.startswith(("ask:more:", "ask:sources:"))]
        assert clicks
        for custom_id in clicks:
            await (await stub.click(inter.sent_message(), custom_id)).reply()
        await (await stub.slash("sources")).reply()
        show = [{"type": 1, "name": "show", "options": [{"name": "label", "type": 3, "value": "S1"}]}]
        await (await stub.slash("source", show)).reply()
    finally:
        await bot.stop()
    assert len(body["embeds"]) >= 3
    assert any(e["description"].endswith("…") for e in body["embeds"][1:])  # it really was cut
    bodies = message_bodies(stub.requests)
    assert len(bodies) == 3 + len(clicks)
    for b in bodies:
        assert limit_violations(b) == []
