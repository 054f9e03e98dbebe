"""Guards for SECURITY.md: the token stays out of logs and reprs; one server never sees another's data."""

from __future__ import annotations

import logging

import pytest
from discord_fixtures import Running, eventually, start_bot
from discord_stub import GUILD_ID, MOD_ROLE_ID, DiscordStub

from bot.config import Config
from bot.render import unescape

pytest_plugins = ["discord_fixtures"]

UNCOVERED = "What is the best recipe for banana bread with walnuts?"
OTHER_GUILD = GUILD_ID + 1


def test_the_token_is_not_in_the_config_repr() -> None:
    secret = "MTIzNDU2Nzg5.secret-token-value"
    assert secret not in repr(Config(token=secret)) and secret not in str(Config(token=secret))


async def test_the_token_is_never_logged_while_serving(
    stub: DiscordStub, discord_config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # discord.py logs requests and gateway payloads at DEBUG
    bot = await start_bot(discord_config)
    try:
        await (await stub.ask("When did the Worcester arrest happen?")).reply()
        await stub.drop_connection()  # a resume sends the token again
        await stub.wait_until(lambda: stub.resumes == 1, within=5)
    finally:
        await bot.stop()
    assert discord_config.token and discord_config.token not in caplog.text


async def test_one_server_never_sees_another_servers_questions(stub: DiscordStub, running: Running) -> None:
    inter = await stub.ask(UNCOVERED)
    await inter.reply()
    logged = await eventually(lambda: running.state.get_question(int(inter.id)))
    assert logged is not None and logged.guild_id == GUILD_ID
    assert [g.question.id for g in await running.state.gaps(GUILD_ID)] == [int(inter.id)]
    assert await running.state.gaps(OTHER_GUILD) == []
    assert await running.state.gaps(None) == []  # nor do direct messages
    body = await (await stub.slash("gaps", roles=(MOD_ROLE_ID,))).reply()
    assert "banana bread" in unescape(body["embeds"][0]["description"])
