"""/ask and mentions, end to end through the real discord.py against the stub."""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import time

import pytest
from discord_fixtures import SEEDS, Running, eventually, start_bot
from discord_stub import CHANNEL_ID, DiscordStub, limit_violations, message_bodies

from bot.config import Config
from bot.render import ELLIPSIS, unescape

EPHEMERAL = 64

pytest_plugins = ["discord_fixtures"]


def seed_text(source_id: str) -> str:
    return (SEEDS / f"{source_id}.txt").read_text(encoding="utf-8")


def assert_quotes_verbatim(body: dict, running: Running) -> list[str]:
    """Each quote embed is titled with its source's tag and label, and its text is in that source."""
    by_title = {f"[{i.source.tag}] {i.source.label}": i.source.id for i in running.engine.sources()}
    ids = []
    for embed in body["embeds"][1:]:
        source_id = by_title[unescape(embed["title"])]
        shown = unescape(embed["description"]).removesuffix(ELLIPSIS)
        assert shown and shown in seed_text(source_id)
        ids.append(source_id)
    return ids


async def test_ask_quotes_sources_with_labels(stub: DiscordStub, running: Running) -> None:
    inter = await stub.ask("When did the Worcester arrest happen?")
    callback = await inter.callback()
    assert callback.body["type"] == 4  # answered at once, in public
    body = callback.body["data"]
    assert not body.get("flags", 0) & EPHEMERAL
    assert body["allowed_mentions"] == {"parse": []}
    assert "Worcester arrest" in body["embeds"][0]["title"]
    ids = assert_quotes_verbatim(body, running)
    assert len(ids) >= 2
    custom_ids = [c["custom_id"] for row in body["components"] for c in row["components"]]
    # Buttons carry the interaction's id, under which the question is logged (after the reply).
    assert custom_ids[0].startswith("ask:more:") and f"ask:vote:{inter.id}:up" in custom_ids
    logged = await eventually(lambda: running.state.get_question(int(inter.id)))
    assert logged is not None and logged.answered and logged.guild_id is not None
    assert set(logged.source_ids) == set(ids)
    assert not limit_violations(body)


async def test_private_ask_is_ephemeral(stub: DiscordStub, running: Running) -> None:
    body = await (await stub.ask("Who is Sheriff Koppinger?", private=True)).reply()
    assert body["flags"] & EPHEMERAL
    assert len(body["embeds"]) >= 2


async def test_question_the_sources_do_not_cover(stub: DiscordStub, running: Running) -> None:
    inter = await stub.ask("What is the best recipe for banana bread with walnuts?")
    body = await inter.reply()
    assert len(body["embeds"]) == 1
    text = body["embeds"][0]["description"]
    answer = await running.engine.ask("What is the best recipe for banana bread with walnuts?")
    assert not answer.answered
    assert unescape(text.split("\n\n")[0]) == (answer.message or "The sources don't cover this.")
    for topic in answer.related:
        assert topic in unescape(text)
    logged = await eventually(lambda: running.state.get_question(int(inter.id)))
    assert logged is not None and not logged.answered


async def test_invalid_question_gets_short_ephemeral_message(stub: DiscordStub, running: Running) -> None:
    for question in ("   ", "why " * 200):
        body = await (await stub.ask(question)).reply()
        assert body["flags"] & EPHEMERAL
        assert body["content"] and "\n" not in body["content"] and not body.get("embeds")
    # ...and the bot still answers afterwards.
    body = await (await stub.ask("Who is Sheriff Koppinger?")).reply()
    assert len(body["embeds"]) >= 2


async def test_mention_is_answered_like_ask(stub: DiscordStub, running: Running) -> None:
    mark = len(stub.requests)
    mid = await stub.mention("When did the Worcester arrest happen?")
    sent = await stub.wait_for(
        lambda r: r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages", after=mark
    )
    assert int(sent.body["message_reference"]["message_id"]) == mid
    assert sent.body["allowed_mentions"]["parse"] == [] and sent.body["allowed_mentions"]["replied_user"] is False
    assert_quotes_verbatim(sent.body, running)
    assert "<@" not in sent.body["embeds"][0]["title"]  # the mention was stripped from the question


async def test_mention_without_question_gets_help(stub: DiscordStub, running: Running) -> None:
    mark = len(stub.requests)
    await stub.mention("   ")
    sent = await stub.wait_for(lambda r: r.path == f"/channels/{CHANNEL_ID}/messages", after=mark)
    assert "/ask" in sent.body["content"]


async def test_cooldown_gives_ephemeral_message(stub: DiscordStub, discord_config: Config) -> None:
    bot = await start_bot(dataclasses.replace(discord_config, ask_cooldown_rate=2, ask_cooldown_s=60))
    try:
        for _ in range(2):
            assert (await (await stub.ask("Who is Sheriff Koppinger?")).callback()).body["type"] == 4
        body = await (await stub.ask("Who is Sheriff Koppinger?")).reply()
        assert body["flags"] & EPHEMERAL and "Slow down" in body["content"]
        # Another member is not limited by the first one's questions.
        other = await (await stub.ask("Who is Sheriff Koppinger?", user_id=900000000000000077)).reply()
        assert len(other["embeds"]) >= 2
    finally:
        await bot.stop()


async def test_resumes_after_gateway_drops_and_still_answers(stub: DiscordStub, running: Running) -> None:
    assert stub.identifies == 1
    await stub.drop_connection()
    await stub.wait_until(lambda: stub.resumes == 1, within=10)
    await asyncio.sleep(0.05)
    assert stub.identifies == 1  # resumed, not a fresh session
    body = await (await stub.ask("When did the Worcester arrest happen?")).reply()
    assert len(body["embeds"]) >= 2


async def test_every_message_within_limits(stub: DiscordStub, running: Running) -> None:
    for q in ("When did the Worcester arrest happen?", "What did Koppinger say?", "banana bread?"):
        await (await stub.ask(q)).reply()
    bodies = message_bodies(stub.requests)
    assert len(bodies) == 3
    for body in bodies:
        assert limit_violations(body) == []


async def test_slow_answer_is_deferred_then_edited(
    stub: DiscordStub, running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules["bot.cogs.ask"], "DEFER_AFTER_S", 0.01)
    real_answer = running.engine.answer

    def slow_answer(question: str, **kwargs: object) -> object:  # runs in the bot's answering thread
        time.sleep(0.1)
        return real_answer(question, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(running.engine, "answer", slow_answer)
    inter = await stub.ask("When did the Worcester arrest happen?", private=True)
    callback = await inter.callback()
    assert callback.body["type"] == 5 and callback.body["data"]["flags"] & EPHEMERAL
    body = await inter.reply()
    assert len(body["embeds"]) >= 2 and body["components"] and body["allowed_mentions"] == {"parse": []}
    # An error after deferring replaces the "thinking…" message with the one-line reason.
    inter = await stub.ask("?!?")
    assert (await inter.callback()).body["type"] == 5
    body = await inter.reply()
    assert body["content"] and body["embeds"] == [] and "words" in body["content"]


async def test_a_question_with_a_lone_surrogate_is_answered(stub: DiscordStub, running: Running) -> None:
    # Valid JSON ("\ud800"), but not Unicode text: it cannot be encoded, rendered or stored as is.
    inter = await stub.ask("When did the Worcester \ud800 arrest happen?")
    body = await inter.reply()
    assert len(body["embeds"]) >= 2 and "\ufffd" in body["embeds"][0]["title"]
    logged = await eventually(lambda: running.state.get_question(int(inter.id)))
    assert logged is not None and "\ufffd" in logged.question
    mark = len(stub.requests)
    await stub.mention("When did the Worcester \udfff arrest happen?")
    sent = await stub.wait_for(lambda r: r.path == f"/channels/{CHANNEL_ID}/messages", after=mark)
    assert len(sent.body["embeds"]) >= 2


async def test_with_many_questions_queued_the_answer_is_deferred_at_once(
    stub: DiscordStub, running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """400 members at once: each waits for the answers before it, so waiting 1.5 s to see whether
    the answer comes in time only bunches every defer past Discord's window (the load bench lost
    142-171 of 400). A long queue defers at once."""
    real_answer = running.engine.answer

    def answer_in_half_a_second(question: str, **kwargs: object) -> object:  # the answering thread
        time.sleep(0.5)
        return real_answer(question, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(running.engine, "answer", answer_in_half_a_second)
    monkeypatch.setattr(running.bot, "answer_wait_s", lambda: 10.0)
    inter = await stub.ask("When did the Worcester arrest happen?")
    assert (await inter.callback()).body["type"] == 5  # deferred, though the answer took 0.5 s
    body = await inter.reply()
    assert len(body["embeds"]) >= 2
    monkeypatch.setattr(running.bot, "answer_wait_s", lambda: 0.0)
    inter = await stub.ask("When did the Worcester arrest happen?")
    assert (await inter.callback()).body["type"] == 4  # a short queue: answered directly
