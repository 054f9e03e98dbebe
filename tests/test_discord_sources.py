"""A server's own sources through Discord: add, remove, log, managers, isolation, bad files."""

from __future__ import annotations

import asyncio
from typing import Any

from discord_fixtures import Running
from discord_stub import (
    ADMINISTRATOR,
    MOD_ROLE_ID,
    OTHER_CHANNEL_ID,
    OTHER_GUILD_ID,
    USER_ID,
    DiscordStub,
    Interaction,
    limit_violations,
    message_bodies,
)

from bot.errors import NO_PERMISSION

pytest_plugins = ["discord_fixtures"]

EPHEMERAL = 64
ARTICLE = (
    b"Agents Return to Lynn\n"
    b"ICE agents returned to Lynn on June 2, 2025, and detained two men outside a bakery on Union Street.\n"
    b"Essex County Sheriff Kevin Coppinger said the agents did not notify his office before the arrests.\n"
)
QUESTION = "What happened on Union Street in Lynn?"


def _option(name: str, value: Any, kind: int = 3) -> dict[str, Any]:
    return {"name": name, "type": kind, "value": value}


def _subcommand(name: str, options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": name, "type": 1, "options": options}]


async def add(stub: DiscordStub, filename: str, data: bytes, *, size: int | None = None, **kwargs: Any) -> Interaction:
    attachment = stub.attach(filename, data, size=size)
    options = _subcommand("add", [_option("file", attachment["id"], 11)])
    resolved = {"attachments": {attachment["id"]: attachment}}
    kwargs.setdefault("permissions", ADMINISTRATOR)
    return await stub.slash("source", options, resolved=resolved, **kwargs)


async def test_a_server_adds_a_source_no_other_server_sees(stub: DiscordStub, running: Running) -> None:
    body = await (await add(stub, "lynn.txt", ARTICLE)).final()
    assert body["flags"] & EPHEMERAL
    assert body["content"].startswith("Added [S5] Agents Return to Lynn:") and "this server only" in body["content"]
    mine = await (await stub.ask(QUESTION)).reply()
    assert "Agents Return to Lynn" in str(mine) and "bakery" in str(mine)
    theirs = await (await stub.ask(QUESTION, guild_id=OTHER_GUILD_ID, channel_id=OTHER_CHANNEL_ID)).reply()
    assert "Agents Return to Lynn" not in str(theirs) and "bakery" not in str(theirs)  # nothing of it is quoted
    listed = await (await stub.slash("sources", guild_id=OTHER_GUILD_ID, channel_id=OTHER_CHANNEL_ID)).reply()
    assert "Lynn" not in str(listed)
    choices = await (
        await stub.slash(
            "source",
            _subcommand("show", [{"name": "label", "type": 3, "value": "Lynn", "focused": True}]),
            autocomplete=True,
            guild_id=OTHER_GUILD_ID,
            channel_id=OTHER_CHANNEL_ID,
        )
    ).callback()
    assert choices.body["data"]["choices"] == []
    refused = await (
        await stub.slash(
            "source",
            _subcommand("remove", [_option("source", "S5")]),
            permissions=ADMINISTRATOR,
            guild_id=OTHER_GUILD_ID,
            channel_id=OTHER_CHANNEL_ID,
        )
    ).final()
    assert refused["content"].startswith("Nothing was removed: no source")
    removed = await (
        await stub.slash("source", _subcommand("remove", [_option("source", "S5")]), permissions=ADMINISTRATOR)
    ).final()
    assert removed["content"].startswith("Removed [S5] Agents Return to Lynn")
    for b in message_bodies(stub.requests):
        assert limit_violations(b) == []


async def test_members_cannot_add_until_a_role_is_allowed(stub: DiscordStub, running: Running) -> None:
    body = await (await add(stub, "lynn.txt", ARTICLE, permissions=0)).reply()
    assert body["content"] == NO_PERMISSION
    allow = _subcommand("managers", [_option("role", str(MOD_ROLE_ID), 8)])
    resolved = {
        "roles": {
            str(MOD_ROLE_ID): {
                "id": str(MOD_ROLE_ID),
                "name": "Moderator",
                "permissions": "0",
                "position": 1,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        }
    }
    body = await (await stub.slash("source", allow, permissions=ADMINISTRATOR, resolved=resolved)).reply()
    assert "may now add and remove" in body["content"]
    await running.state.flush(5)
    body = await (await add(stub, "lynn.txt", ARTICLE, permissions=0, roles=(MOD_ROLE_ID,))).final()
    assert body["content"].startswith("Added [S5]")
    log = await (await stub.slash("source", _subcommand("log", []), permissions=ADMINISTRATOR)).reply()
    text = str(log)
    assert f"{USER_ID}" in text and "add" in text and "lynn" in text
    other = await (
        await stub.slash(
            "source",
            _subcommand("log", []),
            permissions=ADMINISTRATOR,
            guild_id=OTHER_GUILD_ID,
            channel_id=OTHER_CHANNEL_ID,
        )
    ).reply()
    assert "lynn" not in str(other)


async def test_bad_files_get_one_line_and_change_nothing(stub: DiscordStub, running: Running) -> None:
    version = running.engine.version
    cases = [
        ("big.txt", ARTICLE, 3_000_000, "the limit is 2,000,000"),
        ("utf16.txt", "Sheriff Coppinger said so.".encode("utf-16"), None, "UTF-16"),
        ("latin1.txt", "Sheriff Coppinger said caf\u00e9.".encode("latin-1"), None, "Latin-1"),
        ("page.html", b"<html><body><script>x()</script></body></html>", None, "no article text"),
        ("image.png", b"\x89PNG", None, "only .txt, .md and .html"),
        ("copy.txt", (running.bot.config.sources_dir / "004_d7d795bbb4bb4245.txt").read_bytes(), None, "same text"),
    ]
    for filename, data, size, words in cases:
        interaction = await add(stub, filename, data, size=size)
        cb = await interaction.callback()
        body = dict(cb.body.get("data") or {}) if cb.body["type"] != 5 else await interaction.final()
        assert words in body["content"] and "\n" not in body["content"], (filename, body["content"])
    assert running.engine.version == version
    assert len(running.engine.sources()) == 5


async def test_answers_keep_coming_while_a_source_is_added(stub: DiscordStub, running: Running) -> None:
    adding = await add(stub, "lynn.txt", ARTICLE)
    replies = await asyncio.gather(
        *[(await stub.ask("When did the Worcester arrest happen?")).reply() for _ in range(3)]
    )
    assert all(len(r.get("embeds", [])) >= 2 for r in replies)
    body = await adding.final()
    assert body["content"].startswith("Added [S5]")
