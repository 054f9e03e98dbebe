"""Buttons under answers: More, Sources, 👍/👎, and after a restart of the bot."""

from __future__ import annotations

from discord_fixtures import Running, eventually, start_bot
from discord_stub import USER_ID, DiscordStub

from bot.config import Config
from bot.render import unescape
from bot.views import EXPIRED

EPHEMERAL = 64
QUESTION = "When did the Worcester arrest happen?"

pytest_plugins = ["discord_fixtures"]


def buttons(message: dict) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def asked(stub: DiscordStub) -> tuple[dict, int]:
    """The answer message, and the id its question is logged under (the interaction's)."""
    inter = await stub.ask(QUESTION)
    await inter.reply()
    return inter.sent_message(), int(inter.id)


async def test_more_shows_the_next_passages(stub: DiscordStub, running: Running) -> None:
    message, qid = await asked(stub)
    more = next(b for b in buttons(message) if b.startswith("ask:more:"))
    assert more == f"ask:more:{qid}:5"
    body = await (await stub.click(message, more)).reply()
    assert body["flags"] & EPHEMERAL
    first = {e["description"] for e in message["embeds"][1:]}
    shown = [e["description"] for e in body["embeds"][1:]]
    assert shown and not first & set(shown)  # new passages, not the same ones again
    expected = await running.engine.ask(QUESTION, offset=5)
    assert [unescape(s).removesuffix("…") for s in shown] == [
        q.text[: len(unescape(s).removesuffix("…"))] for s, q in zip(shown, expected.quotes, strict=True)
    ]


async def test_sources_button_lists_labels(stub: DiscordStub, running: Running) -> None:
    message, qid = await asked(stub)
    body = await (await stub.click(message, f"ask:sources:{qid}:0")).reply()
    assert body["flags"] & EPHEMERAL
    text = unescape(body["embeds"][0]["description"])
    logged = await eventually(lambda: running.state.get_question(qid))
    for sid in logged.source_ids:
        info = running.engine.find_source(sid)
        assert info is not None and info.source.label in text


async def test_feedback_is_stored_and_changeable(stub: DiscordStub, running: Running) -> None:
    message, qid = await asked(stub)
    body = await (await stub.click(message, f"ask:vote:{qid}:up")).reply()
    assert body["flags"] & EPHEMERAL and "Thanks" in body["content"]
    assert await eventually(lambda: running.state.feedback(qid)) == {USER_ID: 1}
    await (await stub.click(message, f"ask:vote:{qid}:down")).reply()
    await (await stub.click(message, f"ask:vote:{qid}:up", user_id=USER_ID + 1)).reply()
    want = {USER_ID: -1, USER_ID + 1: 1}
    assert await eventually(lambda: running.state.feedback(qid), lambda votes: votes == want) == want
    gaps = await running.state.gaps(running.bot.guilds[0].id)
    assert [g.question.id for g in gaps] == [qid] and gaps[0].downvotes == 1


async def test_buttons_work_after_restart(stub: DiscordStub, discord_config: Config) -> None:
    first = await start_bot(discord_config)
    try:
        message, qid = await asked(stub)
    finally:
        await first.stop()
    second = await start_bot(discord_config)  # a new Bot instance on the same database
    try:
        assert second.bot is not first.bot
        body = await (await stub.click(message, f"ask:more:{qid}:5")).reply()
        assert len(body["embeds"]) >= 2
        await (await stub.click(message, f"ask:vote:{qid}:down")).reply()
        assert await eventually(lambda: second.state.feedback(qid)) == {USER_ID: -1}
    finally:
        await second.stop()


async def test_button_of_a_forgotten_answer_says_expired(stub: DiscordStub, running: Running) -> None:
    message, qid = await asked(stub)
    await eventually(lambda: running.state.get_question(qid))  # logged (just after the reply)
    assert await running.state.prune(days=-1) == 1  # the retention period has passed
    for custom_id in (f"ask:more:{qid}:5", f"ask:sources:{qid}:0", f"ask:vote:{qid}:up"):
        body = await (await stub.click(message, custom_id)).reply()
        assert body["flags"] & EPHEMERAL and body["content"] == EXPIRED
