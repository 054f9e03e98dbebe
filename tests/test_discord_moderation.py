"""Moderator/admin commands, permissions, /sources, and a bot that may not post."""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
from pathlib import Path

import pytest
from discord_fixtures import SEEDS, Running, eventually, start_bot
from discord_stub import (
    ADMINISTRATOR,
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    MOD_ROLE_ID,
    OWNER_ID,
    DiscordStub,
    limit_violations,
    message_bodies,
)

from bot.config import Config
from bot.errors import CANNOT_POST, NO_PERMISSION
from bot.render import unescape
from index.models import Summary, SummarySection

EPHEMERAL = 64

pytest_plugins = ["discord_fixtures"]


def summary_from_real_quotes_if_missing(running: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the engine's summary is still being written, build one from real quotes so the
    Discord side (post, pin, refresh by editing) is tested either way."""
    if importlib.util.find_spec("index.summary") is not None:
        return

    async def summary(topic: str | None = None) -> Summary:
        answer = await running.engine.ask("What happened in Worcester?")
        return Summary(topic, (SummarySection("Worcester", answer.quotes),), answer.disagreements)

    monkeypatch.setattr(running.engine, "summary", summary)


async def test_member_without_permission_is_denied_admin_and_moderator_commands(
    stub: DiscordStub, running: Running
) -> None:
    for name in ("reindex", "gaps", "summary"):
        body = await (await stub.slash(name)).reply()
        assert body["flags"] & EPHEMERAL and body["content"] == NO_PERMISSION
    # A moderator role is not enough for an admin command.
    body = await (await stub.slash("reindex", roles=(MOD_ROLE_ID,))).reply()
    assert body["content"] == NO_PERMISSION


async def test_commands_are_hidden_by_default_permissions(stub: DiscordStub, running: Running) -> None:
    from bot.client import sync_tree

    assert await sync_tree(running.bot, None) >= 6
    put = next(r for r in stub.requests if r.method == "PUT" and r.path.endswith("/commands"))
    perms = {c["name"]: c.get("default_member_permissions") for c in put.body}
    perms = {k: None if v is None else int(v) for k, v in perms.items()}
    assert perms["reindex"] == ADMINISTRATOR
    assert perms["gaps"] == perms["summary"] == 1 << 13
    assert perms["ask"] is None and perms["sources"] is None
    assert all(c["description"] for c in put.body)
    source = next(c for c in put.body if c["name"] == "source")
    assert source["options"][0]["name"] == "show" and source["options"][0]["options"][0]["autocomplete"]


async def test_gaps_lists_unanswered_questions_for_moderators(stub: DiscordStub, running: Running) -> None:
    for question in ("What is the best recipe for banana bread with walnuts?", "When did the Worcester arrest happen?"):
        inter = await stub.ask(question)
        await inter.reply()
        qid = int(inter.id)
        await eventually(lambda qid=qid: running.state.get_question(qid))  # logged just after the reply
    body = await (await stub.slash("gaps", roles=(MOD_ROLE_ID,))).reply()
    assert body["flags"] & EPHEMERAL
    text = unescape(body["embeds"][0]["description"])
    assert "banana bread" in text and "Worcester" not in text


async def test_reindex_by_admin_and_failure_keeps_old_index(
    stub: DiscordStub, discord_config: Config, tmp_path: Path
) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    bot = await start_bot(dataclasses.replace(discord_config, sources_dir=sources))
    try:
        version = bot.engine.version
        body = await (await stub.slash("reindex", permissions=ADMINISTRATOR, user_id=OWNER_ID)).final()
        assert body["flags"] & EPHEMERAL and body["content"].startswith("Reindexed: 5 sources")
        assert bot.engine.version > version
        (sources / "sources.yaml").write_text("sources: [not, a, mapping\n", encoding="utf-8")
        body = await (await stub.slash("reindex", permissions=ADMINISTRATOR, user_id=OWNER_ID)).final()
        assert body["content"].startswith("Reindex failed:") and "previous index keeps answering" in body["content"]
        assert "sources.yaml" in body["content"]
        body = await (await stub.ask("When did the Worcester arrest happen?")).reply()
        assert len(body["embeds"]) >= 2
    finally:
        await bot.stop()


async def test_summary_is_posted_pinned_then_refreshed(
    stub: DiscordStub, running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary_from_real_quotes_if_missing(running, monkeypatch)
    body = await (await stub.slash("summary", roles=(MOD_ROLE_ID,))).reply()
    assert "pinned" in body["content"]
    post = next(r for r in stub.requests if r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages")
    assert post.body["embeds"][0]["title"].startswith("Summary")
    assert post.body["allowed_mentions"] == {"parse": []}
    pin = next(r for r in stub.requests if r.method == "PUT" and "/pins/" in r.path)
    mid = int(pin.path.rsplit("/", 1)[1])
    assert stub.messages[mid]["pinned"]
    mark = len(stub.requests)
    body = await (await stub.slash("summary", roles=(MOD_ROLE_ID,))).reply()
    assert body["content"].startswith("Updated the pinned summary")
    assert any(r.method == "PATCH" and r.path == f"/channels/{CHANNEL_ID}/messages/{mid}" for r in stub.requests[mark:])
    assert not any(r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages" for r in stub.requests[mark:])
    for b in message_bodies(stub.requests):
        assert limit_violations(b) == []


async def test_sources_and_source_show(stub: DiscordStub, running: Running) -> None:
    body = await (await stub.slash("sources")).reply()
    text = unescape("\n".join(e["description"] for e in body["embeds"]))
    for info in running.engine.sources():
        assert info.source.label in text and f"{info.passages} passages" in text
    show = [{"type": 1, "name": "show", "options": [{"name": "label", "type": 3, "value": "s4"}]}]
    body = await (await stub.slash("source", show)).reply()
    info = running.engine.find_source("S4")
    assert info is not None
    assert unescape(body["embeds"][0]["title"]) == f"[{info.source.tag}] {info.source.label}"
    first = running.engine.source_passages(info.source.id, limit=3)
    assert [unescape(e["description"]) for e in body["embeds"][1:]] == [p.text for p in first]
    missing = [{"type": 1, "name": "show", "options": [{"name": "label", "type": 3, "value": "nope"}]}]
    body = await (await stub.slash("source", missing)).reply()
    assert body["flags"] & EPHEMERAL and "/sources" in body["content"]


async def test_source_label_autocomplete(stub: DiscordStub, running: Running) -> None:
    options = [{"type": 1, "name": "show", "options": [{"name": "label", "type": 3, "value": "worc", "focused": True}]}]
    callback = await (await stub.slash("source", options, autocomplete=True)).callback()
    assert callback.body["type"] == 8
    choices = callback.body["data"]["choices"]
    assert choices and all("Worcester" in c["name"] for c in choices)
    assert all(len(c["name"]) <= 100 for c in choices)


async def test_bot_missing_permission_is_handled_and_it_keeps_serving(
    stub: DiscordStub, running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary_from_real_quotes_if_missing(running, monkeypatch)
    stub.forbidden_channels.add(CHANNEL_ID)
    mark = len(stub.requests)
    await stub.mention("When did the Worcester arrest happen?")
    await stub.wait_for(lambda r: r.path == f"/channels/{CHANNEL_ID}/messages", after=mark)  # 403 answered
    inter = await stub.slash("summary", roles=(MOD_ROLE_ID,))
    assert (await inter.callback()).body["data"]["flags"] & EPHEMERAL  # deferred privately...
    assert (await inter.reply())["content"] == CANNOT_POST  # ...then told why, in one line
    body = await (await stub.ask("When did the Worcester arrest happen?")).reply()
    assert len(body["embeds"]) >= 2
    stub.forbidden_channels.clear()
    mark = len(stub.requests)
    await stub.mention("Who is Sheriff Koppinger?")
    sent = await stub.wait_for(lambda r: r.path == f"/channels/{CHANNEL_ID}/messages", after=mark)
    assert len(sent.body["embeds"]) >= 2


async def test_sync_commands_to_a_guild(stub: DiscordStub, discord_config: Config) -> None:
    from bot.client import sync_commands

    count = await sync_commands(discord_config, GUILD_ID)
    put = next(r for r in stub.requests if r.method == "PUT")
    assert put.path == f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    assert count == len(put.body) and {c["name"] for c in put.body} >= {"ask", "sources", "source", "gaps", "reindex"}
    assert not any(r.path.startswith("/interactions") for r in stub.requests)


async def test_out_of_range_option_is_refused_with_the_range(stub: DiscordStub, running: Running) -> None:
    from bot.client import sync_tree

    await sync_tree(running.bot, None)
    put = next(r for r in stub.requests if r.method == "PUT" and r.path.endswith("/commands"))
    gaps = next(c for c in put.body if c["name"] == "gaps")
    assert (gaps["options"][0]["min_value"], gaps["options"][0]["max_value"]) == (1, 50)  # Discord's client enforces

    # ...but discord.py does not, so a stale or hand-made client's value must be refused here.
    def limit(value: int) -> list[dict[str, object]]:
        return [{"name": "limit", "type": 4, "value": value}]

    for value in (0, -5, 100000):
        body = await (await stub.slash("gaps", limit(value), roles=(MOD_ROLE_ID,))).reply()
        assert body["flags"] & EPHEMERAL and body["content"] == f"limit must be from 1 to 50, not {value}."
    assert (await (await stub.slash("gaps", limit(50), roles=(MOD_ROLE_ID,))).reply())["embeds"]
    # Permission is checked first: a member without it learns nothing about the option.
    assert (await (await stub.slash("gaps", limit(0))).reply())["content"] == NO_PERMISSION
