"""Discord misbehaving, through the stand-in: rate limits, server errors, a dropped gateway, missing
permissions, an expired token. Each time the bot says so in one clear log line and serves the next
command; the first response still reaches Discord within its 3 s window when it can."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable

import pytest
from discord_fixtures import Running
from discord_stub import APP_ID, CHANNEL_ID, MOD_ROLE_ID, DiscordStub, Request

from bot.errors import APOLOGY, CANNOT_POST

pytest_plugins = ["discord_fixtures"]

QUESTION = "When did the Worcester arrest happen?"
NEXT = "Who is Sheriff Koppinger?"
RESPONSE_WINDOW_S = 3.0  # Discord's: an interaction not answered or deferred by then is dropped
RATE_LIMITED = {"message": "You are being rate limited.", "retry_after": 0.2, "global": False}


def is_callback(r: Request) -> bool:
    return r.method == "POST" and r.path.endswith("/callback")


def lines(caplog: pytest.LogCaptureFixture, prefix: str = "bot", level: int = logging.WARNING) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith(prefix) and r.levelno >= level]


def no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records if r.exc_info]


async def poll_until(condition: Callable[[], bool], within: float, step: float = 0.02) -> None:
    for _ in range(int(within / step)):
        if condition():
            return
        await asyncio.sleep(step)
    raise TimeoutError(f"not true within {within} s")


async def serves_the_next_command(stub: DiscordStub) -> None:
    body = await (await stub.ask(NEXT)).reply(within=3)
    assert len(body["embeds"]) >= 2


def slow_engine(running: Running, monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    real_answer = running.engine.answer

    def slow_answer(question: str, **kwargs: object) -> object:  # runs in the bot's answering thread
        time.sleep(seconds)
        return real_answer(question, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(running.engine, "answer", slow_answer)


async def test_429_with_via_is_waited_out_and_answered(
    stub: DiscordStub, running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    stub.fail(is_callback, 429, RATE_LIMITED, headers={"Via": "1.1 google", "X-RateLimit-Scope": "user"})
    inter = await stub.ask(QUESTION)
    body = await inter.reply(within=3)
    assert len(body["embeds"]) >= 2
    assert [r.status for r in stub.requests if inter.is_callback(r)] == [429, 200]  # discord.py retried
    assert len(lines(caplog, "discord")) == 1 and "rate limited" in lines(caplog, "discord")[0]
    assert lines(caplog) == []
    await serves_the_next_command(stub)
    no_tracebacks(caplog)


async def test_429_without_via_is_one_line_and_not_hammered(
    stub: DiscordStub, running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    # No Via header: Cloudflare, not Discord's API, refused it (an IP blocked for too many
    # invalid requests). discord.py does not retry; neither should the bot, not even to apologise.
    stub.fail(is_callback, 429, RATE_LIMITED)
    inter = await stub.ask(QUESTION)
    await poll_until(lambda: bool(lines(caplog)), within=3)
    await asyncio.sleep(0.2)
    assert [r.status for r in stub.requests if inter.is_callback(r)] == [429]
    (line,) = lines(caplog)
    assert "429" in line and "Via" in line and inter.id in line
    await serves_the_next_command(stub)
    no_tracebacks(caplog)


async def test_repeated_5xx_on_the_first_response_still_answers_within_discords_window(
    stub: DiscordStub, running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    # discord.py waits 1 s, then 3 s, between attempts after a 5xx: on its own the third
    # attempt lands at ~4 s, after Discord has dropped the interaction.
    stub.fail(is_callback, 503, times=2)
    inter = await stub.ask(QUESTION)
    accepted = await inter.accepted_callback(within=5)
    assert accepted.at - inter.sent_at < RESPONSE_WINDOW_S
    assert len(accepted.body["data"]["embeds"]) >= 2
    await poll_until(lambda: bool(lines(caplog)), within=1)  # logged once the response is through
    (line,) = lines(caplog)
    assert inter.id in line and "again" in line
    await serves_the_next_command(stub)
    no_tracebacks(caplog)


async def test_5xx_past_the_window_is_one_line(
    stub: DiscordStub, running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    outage = stub.fail(is_callback, 503, times=1000)
    inter = await stub.ask(QUESTION)
    await poll_until(lambda: any("did not take" in line for line in lines(caplog)), within=RESPONSE_WINDOW_S + 1)
    tried = [r for r in stub.requests if inter.is_callback(r)]
    assert tried and all(r.at - inter.sent_at < RESPONSE_WINDOW_S for r in tried)  # nothing after the window
    assert len([line for line in lines(caplog) if inter.id in line and "did not take" in line]) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    outage.times = 0
    await serves_the_next_command(stub)
    no_tracebacks(caplog)


async def test_gateway_dropping_mid_answer_still_answers_then_resumes(
    stub: DiscordStub, running: Running, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO)
    slow_engine(running, monkeypatch, 0.3)
    inter = await stub.ask(QUESTION)
    await asyncio.sleep(0.1)
    await stub.drop_connection()  # while the engine is still answering
    body = await inter.reply(within=3)
    assert len(body["embeds"]) >= 2  # replies go over REST: the dropped socket loses nothing
    await stub.wait_until(lambda: stub.resumes == 1, within=5)
    await serves_the_next_command(stub)
    assert stub.identifies == 1  # resumed, not a new session
    gateway = [line for line in lines(caplog, "bot", logging.INFO) if "gateway" in line.lower()]
    assert len(gateway) == 1 and "resumed" in gateway[0]
    assert lines(caplog) == []
    no_tracebacks(caplog)


async def test_missing_channel_permissions_are_one_line_each(
    stub: DiscordStub, running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    stub.forbidden_channels.add(CHANNEL_ID)
    mark = len(stub.requests)
    await stub.mention(QUESTION)
    await stub.wait_for(lambda r: r.path == f"/channels/{CHANNEL_ID}/messages" and r.status == 403, after=mark)
    await poll_until(lambda: len(lines(caplog)) == 1, within=2)
    assert str(CHANNEL_ID) in lines(caplog)[0] and "permission" in lines(caplog)[0]
    # A moderator's /summary there is told why, privately, and the log says where.
    body = await (await stub.slash("summary", roles=(MOD_ROLE_ID,))).reply()
    assert body["content"] == CANNOT_POST
    assert len(lines(caplog)) == 2 and str(CHANNEL_ID) in lines(caplog)[1]
    await serves_the_next_command(stub)  # interactions need no channel permission
    no_tracebacks(caplog)


async def test_expired_token_on_the_follow_up_is_one_line(
    stub: DiscordStub, running: Running, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules["bot.cogs.ask"], "DEFER_AFTER_S", 0.01)
    slow_engine(running, monkeypatch, 0.1)
    stub.fail(
        lambda r: r.method == "PATCH" and r.path.startswith(f"/webhooks/{APP_ID}/"),
        404,
        {"message": "Unknown Webhook", "code": 10015},
    )
    inter = await stub.ask(QUESTION)
    assert (await inter.accepted_callback()).body["type"] == 5  # deferred: "thinking…"
    await poll_until(lambda: bool(lines(caplog)), within=3)
    await asyncio.sleep(0.2)
    (line,) = lines(caplog)
    assert inter.id in line and "expired" in line
    # Nothing more is sent on a token Discord has forgotten: no apology, no retry.
    webhooks = [r for r in stub.requests if r.path.startswith(f"/webhooks/{APP_ID}/{inter.token}")]
    assert len(webhooks) == 1
    assert all(APOLOGY not in str(r.body) for r in stub.requests)
    monkeypatch.setattr(sys.modules["bot.cogs.ask"], "DEFER_AFTER_S", 1.5)
    await serves_the_next_command(stub)
    no_tracebacks(caplog)


async def test_a_burst_of_slow_answers_leaves_the_event_loop_free(
    stub: DiscordStub, running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each answer burns 40 ms of CPU (a big index); 30 members ask at once. Answered on the
    # event loop they would queue 1.2 s of work ahead of everything else: heartbeats, and the
    # timers that defer slow answers before Discord's window closes.
    import index.engine

    real_answer = index.engine.answer
    members, cpu_s = 30, 0.04
    burst_work_s = members * cpu_s  # what answering on the event loop would queue ahead of everything

    def cpu_bound_answer(*args: object, **kwargs: object) -> object:
        end = time.perf_counter() + cpu_s
        while time.perf_counter() < end:
            pass
        return real_answer(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(index.engine, "answer", cpu_bound_answer)
    loop = asyncio.get_running_loop()
    stalls: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            before = loop.time()
            await asyncio.sleep(0.005)
            stalls.append(loop.time() - before - 0.005)

    tick = asyncio.create_task(ticker())
    inters = [await stub.ask(QUESTION, user_id=900000000000000100 + i) for i in range(members)]
    firsts = [await inter.accepted_callback(within=10) for inter in inters]
    bodies = [await inter.reply(within=10) for inter in inters]
    done.set()
    await tick
    # Off the loop the longest stall is tens of ms (a few hundred on a crowded CI machine);
    # on the loop it would be the whole burst's work or more.
    assert max(stalls) < burst_work_s / 2, f"the event loop stalled {max(stalls) * 1000:.0f} ms"
    assert all(first.at - inter.sent_at < RESPONSE_WINDOW_S for first, inter in zip(firsts, inters, strict=True))
    assert all(len(body["embeds"]) >= 2 for body in bodies)
