"""The Discord bot: dependencies injected, cogs loaded in ``setup_hook``, explicit sync."""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.cli import CannotConnect, open_engine
from bot.config import Config
from bot.errors import BotTree
from bot.render import NO_MENTIONS
from bot.state import State
from bot.views import ANSWER_ITEMS
from index.engine import settle_memory, settle_new_version

if TYPE_CHECKING:
    from index.engine import Engine
    from index.models import Answer

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.cogs.ask", "bot.cogs.sources", "bot.cogs.moderation")

# aiohttp would wait five minutes on a network that swallows packets; say so sooner.
LOGIN_TIMEOUT_S = 30.0
GATEWAY_CHECK_TIMEOUT_S = 30.0
CLOSE_AUTHENTICATION_FAILED = 4004  # gateway close code for a token Discord does not accept
TOKEN_HELP = (
    "check DISCORD_TOKEN (environment or .env): copy the bot's token again from the Discord "
    "Developer Portal (Bot → Reset Token)"
)
NETWORK_HELP = "check the network connection, DNS, firewall or proxy"
# What a network that cannot reach Discord raises, from aiohttp, the OS or discord.py.
NETWORK_ERRORS: tuple[type[BaseException], ...] = (OSError, aiohttp.ClientError, TimeoutError, discord.GatewayNotFound)


# The event loop shares Python's lock with the answering thread, index loads and aiosqlite's
# threads; by default a thread keeps the lock 5 ms before handing it on, and with several
# busy threads the loop waited 100+ ms for its turn (tests/bench_load.py with rebuilds: max
# stall 127-137 ms at 5 ms, 46-80 ms at 1 ms, throughput within noise).
GIL_SWITCH_INTERVAL_S = 0.001
TYPICAL_ANSWER_S = 0.03  # one answer on this machine, before any is measured (README: ask p50 25-41 ms)
ANSWER_SMOOTHING = 0.1  # weight of the latest answer's time in the running estimate


async def warm_up(engine: Engine) -> float:
    """Load what the engine loads on first use, off the event loop, before the bot connects
    (the first member's question must not stall everyone else's); seconds it took."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    started = time.perf_counter()
    await engine.warm()
    settle_memory()  # one full collection, before the bot connects
    engine.after_swap = settle_new_version  # each version the bot adopts: no full collection
    seconds = time.perf_counter() - started
    log.info("Engine warmed up in %.2f s", seconds)
    return seconds


def connect_error(exc: BaseException, *, gateway: bool = False) -> CannotConnect | None:
    """The one-line explanation of a failure to log in or connect, or None when it is something else."""
    if isinstance(exc, discord.LoginFailure):
        return CannotConnect(f"Discord rejected the token (401 Unauthorized): {TOKEN_HELP}.")
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return CannotConnect(
            "Discord refused the privileged intents this bot asked for (close code 4014): turn them on in the "
            "Developer Portal (Bot → Privileged Gateway Intents), or run a version that does not ask for them."
        )
    if isinstance(exc, discord.ConnectionClosed):
        if exc.code == CLOSE_AUTHENTICATION_FAILED:
            return CannotConnect(f"Discord's gateway rejected the token (close code 4004): {TOKEN_HELP}.")
        reason = f": {exc.reason}" if exc.reason else ""
        return CannotConnect(f"Discord's gateway closed the connection (close code {exc.code}{reason}).")
    if isinstance(exc, discord.HTTPException):
        text = " ".join(str(exc.text).split())[:200]
        return CannotConnect(f"Discord answered {exc.status} ({text}); if it persists see https://discordstatus.com.")
    if isinstance(exc, NETWORK_ERRORS):
        what = "Discord's gateway" if gateway else "Discord"
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return CannotConnect(f"cannot reach {what} ({reason}): {NETWORK_HELP}.")
    return None


class AskLimiter:
    """Per-user rate limit shared by /ask and mentions (one budget for asking)."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate = max(int(rate), 1)
        self.per = max(float(per), 0.0)
        self._buckets: dict[int, app_commands.Cooldown] = {}

    def hit(self, user_id: int) -> tuple[app_commands.Cooldown, float | None]:
        """Count one question; return the bucket and seconds to wait if over the limit."""
        now = time.monotonic()
        if len(self._buckets) > 10_000:
            self._buckets = {k: v for k, v in self._buckets.items() if v._last + self.per > now}
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = app_commands.Cooldown(self.rate, self.per)
        return bucket, bucket.update_rate_limit(now)


class QuoteBot(commands.Bot):
    """Answers questions by quoting the indexed sources; never pings anyone."""

    def __init__(
        self,
        *,
        config: Config,
        engine: Engine | None,
        state: State | None,
        **options: Any,
    ) -> None:
        # The bot never joins voice: these warnings would be noise on stderr at every start.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = discord.Intents.none()
        intents.guilds = True
        intents.guild_messages = True  # mentions of the bot carry their text without the privileged intent
        intents.dm_messages = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=BotTree,
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            **options,
        )
        self.config = config
        self._engine = engine
        self._state = state
        self.ask_limiter = AskLimiter(config.ask_cooldown_rate, config.ask_cooldown_s)
        self._follow: asyncio.Task[None] | None = None
        self._gateway_lost_at: float | None = None
        # One thread answers every question, in turn, so the event loop stays free for Discord
        # (heartbeats, deferring slow answers in time) however many members ask at once. One,
        # because answering is CPU-bound Python: more threads would only contend for the GIL.
        self._answering = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
        self._backlog = 0  # answers queued for that thread or running in it
        self._answer_s = TYPICAL_ANSWER_S  # how long one takes, smoothed

    @property
    def engine(self) -> Engine:
        """The index engine."""
        if self._engine is None:
            raise RuntimeError("this bot was started without an engine")
        return self._engine

    @property
    def state(self) -> State:
        if self._state is None:
            raise RuntimeError("this bot was started without state")
        return self._state

    async def answer(self, question: str, **options: Any) -> Answer:
        """The engine's answer, computed in the answering thread (InvalidQuestion as the engine raises it)."""
        call = functools.partial(self._timed_answer, question, **options)
        self._backlog += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._answering, call)
        finally:
            self._backlog -= 1

    def _timed_answer(self, question: str, **options: Any) -> Answer:
        started = time.perf_counter()
        try:
            return self.engine.answer(question, **options)
        finally:
            took = time.perf_counter() - started
            self._answer_s += ANSWER_SMOOTHING * (took - self._answer_s)

    def answer_wait_s(self) -> float:
        """About how long a question asked now waits for its answer (those queued before it, and it)."""
        return (self._backlog + 1) * self._answer_s

    async def setup_hook(self) -> None:
        for ext in EXTENSIONS:
            await self.load_extension(ext)
        # Buttons of answers sent before a restart keep working: their custom_id says everything.
        self.add_dynamic_items(*ANSWER_ITEMS)
        if self._engine is not None:
            # A version built elsewhere (the command line, another shard) is adopted within seconds.
            self._follow = asyncio.create_task(self._engine.follow(), name="follow-index")

    async def close(self) -> None:
        if self._follow is not None:
            self._follow.cancel()
        await super().close()
        self._answering.shutdown(wait=False, cancel_futures=True)

    async def on_message(self, message: discord.Message, /) -> None:
        # Questions by mention are handled in the Ask cog; there are no prefix commands.
        return

    async def on_ready(self) -> None:
        if self._gateway_lost_at is not None:
            log.info("Gateway session started again %.1f s after the connection dropped", self._lost_for())
            return
        log.info("Connected as %s (%s) to %d guild(s)", self.user, getattr(self.user, "id", "?"), len(self.guilds))

    async def on_disconnect(self) -> None:
        # discord.py reconnects by itself; say so once it has (on_resumed / on_ready).
        if self._gateway_lost_at is None:
            self._gateway_lost_at = time.monotonic()

    async def on_resumed(self) -> None:
        if self._gateway_lost_at is not None:
            log.info("Gateway connection dropped and resumed after %.1f s", self._lost_for())

    def _lost_for(self) -> float:
        lost_at, self._gateway_lost_at = self._gateway_lost_at, None
        return time.monotonic() - (lost_at or time.monotonic())


async def run_bot(config: Config) -> None:
    """Connect to Discord and serve until stopped. Commands are not synced here."""
    if not config.token:
        raise SystemExit("DISCORD_TOKEN is not set (environment or .env).")
    engine = await open_engine(config, announce=False)
    await warm_up(engine)
    state = await State.open(config.db_path)
    try:
        try:
            await state.prune()
        except sqlite3.Error as exc:
            log.warning("Could not forget old questions (%s); trying again at the next start", exc)
        async with QuoteBot(config=config, engine=engine, state=state) as bot:
            await serve(bot, config.token)
    finally:
        await state.close()
        await engine.close()


async def sync_commands(config: Config, guild_id: int | None) -> int:
    """Register the slash commands with Discord (globally, or copied to one guild); return count."""
    if not config.token:
        raise SystemExit("DISCORD_TOKEN is not set (environment or .env).")
    async with QuoteBot(config=config, engine=None, state=None) as bot:
        await login(bot, config.token)  # runs setup_hook, which loads the commands
        return await sync_tree(bot, guild_id)


async def login(bot: QuoteBot, token: str) -> None:
    """Log in over REST; CannotConnect says why not."""
    try:
        await asyncio.wait_for(bot.login(token), LOGIN_TIMEOUT_S)
    except Exception as exc:
        problem = connect_error(exc)
        if problem is None:
            raise
        raise problem from None


async def check_gateway(bot: QuoteBot) -> None:
    """Open (and close) one gateway socket before connecting for real.

    discord.py retries a gateway it has never reached by logging a traceback and then
    failing on the socket it never had (AttributeError); this says why in one line instead.
    """
    from discord.http import INTERNAL_API_VERSION

    url = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY.with_query(v=INTERNAL_API_VERSION, encoding="json")
    try:
        socket = await asyncio.wait_for(bot.http.ws_connect(str(url)), GATEWAY_CHECK_TIMEOUT_S)
    except Exception as exc:
        problem = connect_error(exc, gateway=True)
        if problem is None:
            raise
        raise problem from None
    await socket.close()


async def serve(bot: QuoteBot, token: str) -> None:
    """Log in, connect and serve until the bot is closed; CannotConnect says why it cannot."""
    await login(bot, token)
    await check_gateway(bot)
    try:
        await bot.connect()
    except AttributeError:
        if bot.ws is not None:
            raise
        raise CannotConnect(f"lost Discord's gateway before the first session started: {NETWORK_HELP}.") from None
    except Exception as exc:
        problem = connect_error(exc, gateway=True)
        if problem is None:
            raise
        raise problem from None


async def sync_tree(bot: QuoteBot, guild_id: int | None) -> int:
    """Sync ``bot``'s commands; for a guild, global commands are copied there (instant updates)."""
    if guild_id is None:
        synced = await bot.tree.sync()
    else:
        guild = discord.Object(id=guild_id)
        bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
    log.info("Synced %d command(s) %s", len(synced), f"to guild {guild_id}" if guild_id else "globally")
    return len(synced)
