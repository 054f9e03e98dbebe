"""Moderator and admin commands: ``/gaps``, ``/summary``, ``/reindex``."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import moderator_only, ranges_enforced, scope_of, source_manager_only
from bot.progress import BuildProgress
from bot.render import NO_MENTIONS, render_gaps, render_summary, text_message
from bot.respond import respond
from index.models import EngineError

if TYPE_CHECKING:
    from bot.client import QuoteBot

log = logging.getLogger(__name__)


def summary_key(topic: str | None) -> str:
    """Guild-settings key under which a topic's pinned summary (channel:message) is kept."""
    return "summary:" + " ".join((topic or "").casefold().split())


class Moderation(commands.Cog):
    """Keeping the bot's sources and answers in shape."""

    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot
        self._reindex_lock = asyncio.Lock()

    async def _say(self, interaction: discord.Interaction[Any], text: str) -> None:
        await interaction.followup.send(text_message(text), ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(
        name="gaps", description="Recent questions the sources could not answer, and answers marked 👎."
    )
    @app_commands.describe(limit="How many to list (default 15)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    @ranges_enforced()  # checks run bottom-up: permission first
    @moderator_only()
    async def gaps(self, interaction: discord.Interaction[Any], limit: app_commands.Range[int, 1, 50] = 15) -> None:
        rows = await self.bot.state.gaps(interaction.guild_id, limit)
        await respond(interaction, interaction.response.send_message, **render_gaps(rows).kwargs(), ephemeral=True)

    @app_commands.command(name="reindex", description="Rebuild the index (the bot's owner: from the sources folder).")
    @app_commands.guild_only()
    @app_commands.default_permissions(administrator=True)
    @source_manager_only()
    async def reindex(self, interaction: discord.Interaction[Any]) -> None:
        """A server's administrators rebuild from the stored sources; the bot's owner (the
        operator) also reads the sources folder again, which changes the global sources."""
        from index.store import build_index, rebuild

        await respond(interaction, interaction.response.defer, ephemeral=True, thinking=True)
        if self._reindex_lock.locked():
            await self._say(interaction, "A reindex is already running; try again when it has finished.")
            return
        operator = await self.bot.is_owner(interaction.user)
        config = self.bot.config
        progress = BuildProgress(interaction, "Reindexing")
        async with self._reindex_lock:
            try:
                if operator:
                    report = await progress.run(
                        lambda p: build_index(config.sources_dir, config.db_path, progress=p, isolated=True)
                    )
                else:
                    report = await progress.run(lambda p: rebuild(config.db_path, progress=p, isolated=True))
            except EngineError as exc:
                await progress.finish(f"Reindex failed: {exc} The previous index keeps answering.")
                return
            changed = await self.bot.engine.reload()
        log.info("Reindexed by %s: %s", interaction.user.id, report)
        note = "" if changed else " (the index was already current)"
        await progress.finish(
            f"Reindexed: {report.sources} sources, {report.passages} passages, version {report.version}{note}."
        )

    @app_commands.command(name="summary", description="Post (or refresh) a pinned summary of what the sources say.")
    @app_commands.describe(topic="Limit the summary to a topic (default: everything)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    @moderator_only()
    async def summary(self, interaction: discord.Interaction[Any], topic: str | None = None) -> None:
        await respond(interaction, interaction.response.defer, ephemeral=True, thinking=True)
        summary = await self.bot.engine.summary(topic, scope_of(interaction.guild_id))
        rendered = render_summary(summary)
        assert interaction.guild_id is not None and interaction.channel_id is not None
        key = summary_key(topic)
        stored = await self.bot.state.get_setting(interaction.guild_id, key)
        if stored:
            channel_id, message_id = (int(x) for x in stored.split(":"))
            old = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
            try:
                await old.edit(**rendered.kwargs())
            except discord.NotFound:
                pass  # deleted since: post a new one below
            else:
                await self._say(interaction, f"Updated the pinned summary: {old.jump_url}")
                return
        channel = self.bot.get_partial_messageable(interaction.channel_id, guild_id=interaction.guild_id)
        message = await channel.send(**rendered.kwargs())
        self.bot.state.note_setting(interaction.guild_id, key, f"{message.channel.id}:{message.id}")
        try:
            await message.pin(reason="Summary of the sources")
        except discord.HTTPException as exc:
            log.warning("Could not pin summary %s: %s", message.id, exc)
            await self._say(
                interaction, f"Posted the summary but could not pin it (I need Pin Messages): {message.jump_url}"
            )
            return
        await self._say(interaction, f"Posted and pinned the summary: {message.jump_url}")


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Moderation(bot))
