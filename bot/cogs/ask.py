"""``/ask`` and questions asked by mentioning the bot."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import scope_of
from bot.errors import APOLOGY, user_message
from bot.render import NO_MENTIONS, Rendered, render_answer, text_message
from bot.respond import respond, undeliverable
from bot.views import answer_view

if TYPE_CHECKING:
    from bot.client import QuoteBot
    from index.models import Answer

log = logging.getLogger(__name__)

# Discord wants a first response within 3 s; past this we defer, then edit the reply. It
# leaves the defer time for one retry should Discord fail it (bot/respond.py).
DEFER_AFTER_S = 1.5
# Valid JSON ("\ud800") but not Unicode text: nothing downstream could encode, render or store it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
MENTION_HELP = "Ask me a question after the mention, e.g. “@me When did the Worcester arrest happen?” — or use /ask."


def ask_cooldown(interaction: discord.Interaction[Any]) -> bool:
    """Per-user rate limit (config.ask_cooldown_rate per config.ask_cooldown_s)."""
    bucket, retry_after = interaction.client.ask_limiter.hit(interaction.user.id)
    if retry_after:
        raise app_commands.CommandOnCooldown(bucket, retry_after)
    return True


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer, rendered with its buttons, and how long the engine took."""

    answer: Answer
    rendered: Rendered
    view: discord.ui.View
    latency_ms: int


def text_of(question: str) -> str:
    """A member's question as Unicode text: lone surrogates become U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", question)


class Ask(commands.Cog):
    """Answers by quoting the sources."""

    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot

    async def answer(self, question: str, question_id: int, guild_id: int | None) -> Reply:
        """Ask the engine (as the server sees its sources) and render the reply; its buttons
        carry ``question_id``."""
        question = text_of(question)
        started = time.perf_counter()
        answer = await self.bot.answer(question, scope=scope_of(guild_id))
        latency_ms = int((time.perf_counter() - started) * 1000)
        return Reply(answer, render_answer(answer), answer_view(question_id, 0, answer), latency_ms)

    def log_question(self, question_id: int, question: str, guild_id: int | None, reply: Reply) -> None:
        """Bookkeeping, once the reply is out: queued, so it never delays or fails an answer."""
        answer = reply.answer
        self.bot.state.note_question(
            question_id,
            answer.question or text_of(question),
            guild_id,
            answer.answered,
            list(dict.fromkeys(q.source_id for q in answer.quotes)),
            reply.latency_ms,
        )

    @app_commands.command(name="ask", description="Ask what the sources say; the answer quotes them word for word.")
    @app_commands.describe(
        question="Your question, e.g. “When did the Worcester arrest happen?”",
        private="Only you see the answer (default: everyone in the channel sees it)",
    )
    @app_commands.check(ask_cooldown)
    async def ask(self, interaction: discord.Interaction[Any], question: str, private: bool = False) -> None:
        # The question is logged under the interaction's id: the buttons need no database row first.
        # With many questions queued the answer cannot come in time: defer at once, while the
        # window is young, rather than all together 1.5 s later.
        wait = 0.0 if self.bot.answer_wait_s() >= DEFER_AFTER_S else DEFER_AFTER_S
        work = asyncio.ensure_future(self.answer(question, interaction.id, interaction.guild_id))
        try:
            reply = await asyncio.wait_for(asyncio.shield(work), wait)
        except TimeoutError:
            try:
                await respond(interaction, interaction.response.defer, ephemeral=private, thinking=True)
            except BaseException:
                work.cancel()  # nobody can be shown this answer any more
                raise
            reply = await work
            try:
                await interaction.edit_original_response(**reply.rendered.kwargs(), view=reply.view)
            finally:
                self.log_question(interaction.id, question, interaction.guild_id, reply)
            return
        try:
            await respond(
                interaction,
                interaction.response.send_message,
                **reply.rendered.kwargs(),
                view=reply.view,
                ephemeral=private,
            )
        finally:
            self.log_question(interaction.id, question, interaction.guild_id, reply)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot or me.id not in message.raw_mentions:
            return
        question = re.sub(rf"<@!?{me.id}>", " ", message.content).strip()
        try:
            if not question:
                await message.reply(MENTION_HELP, mention_author=False, allowed_mentions=NO_MENTIONS)
                return
            bucket, retry_after = self.bot.ask_limiter.hit(message.author.id)
            if retry_after:
                await message.reply(
                    text_message(user_message(app_commands.CommandOnCooldown(bucket, retry_after)) or ""),
                    mention_author=False,
                    allowed_mentions=NO_MENTIONS,
                )
                return
            reply = await self.answer(question, message.id, message.guild.id if message.guild else None)
            try:
                await message.reply(**reply.rendered.kwargs(), view=reply.view, mention_author=False)
            finally:
                self.log_question(message.id, question, message.guild.id if message.guild else None, reply)
        except discord.Forbidden:
            log.warning("Cannot answer a mention in channel %s: missing permissions", message.channel.id)
        except Exception as exc:
            why = undeliverable(exc)
            if why is not None:  # Discord's own trouble: anything more would be refused too
                log.warning("Mention %s in channel %s: %s", message.id, message.channel.id, why)
                return
            text = user_message(exc)
            if text is None:
                log.exception("Answering a mention failed")
                text = APOLOGY
            try:
                await message.reply(text_message(text), mention_author=False, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException:
                log.warning("Could not report an error in channel %s", message.channel.id)


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Ask(bot))
