"""``/sources`` and ``/source show``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.render import NO_MENTIONS, plain, render_source, render_sources, text_message
from bot.respond import respond

if TYPE_CHECKING:
    from bot.client import QuoteBot

FIRST_PASSAGES = 3


class Sources(commands.Cog):
    """What the bot quotes from."""

    source = app_commands.Group(name="source", description="Look at one indexed source.")

    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="sources", description="List the indexed sources with labels, sites, dates and passage counts."
    )
    @app_commands.describe(private="Only you see the list")
    async def sources(self, interaction: discord.Interaction[Any], private: bool = False) -> None:
        rendered = render_sources(self.bot.engine.sources())
        await respond(interaction, interaction.response.send_message, **rendered.kwargs(), ephemeral=private)

    @source.command(name="show", description="Show one source's details and its first passages.")
    @app_commands.describe(label="The source's tag (e.g. S1), label or id")
    async def show(self, interaction: discord.Interaction[Any], label: str) -> None:
        info = self.bot.engine.find_source(label)
        if info is None:
            await respond(
                interaction,
                interaction.response.send_message,
                content=text_message(f"No source matches “{label}”. Use /sources to see the labels."),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        passages = self.bot.engine.source_passages(info.source.id, limit=FIRST_PASSAGES)
        await respond(interaction, interaction.response.send_message, **render_source(info, passages).kwargs())

    @show.autocomplete("label")
    async def label_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.casefold().strip()
        choices = []
        for info in self.bot.engine.sources():
            s = info.source
            if needle and not any(needle in x.casefold() for x in (s.tag, s.label, s.id)):
                continue
            # Choice names and values are limited to 100 characters each.
            choices.append(app_commands.Choice(name=plain(f"{s.tag} · {s.label}", 100), value=s.id[:100]))
            if len(choices) == 25:
                break
        return choices


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Sources(bot))
