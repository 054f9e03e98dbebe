"""``/sources``, ``/source show``, and a server's own sources: ``/source add|remove|log|managers``.

A source added here belongs to this server: its answers, lists, notes, summaries and
autocomplete use the global sources and its own; no other server ever sees it. Only the
server's administrators (or the roles ``/source managers`` names) change them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import SOURCE_ROLES, scope_of, source_manager_only
from bot.progress import BuildProgress
from bot.render import NO_MENTIONS, plain, render_audit, render_source, render_sources, text_message
from bot.respond import respond
from index.ingest import read_document
from index.models import EngineError
from index.store import add_source, audit_log, remove_source

if TYPE_CHECKING:
    from bot.client import QuoteBot

log = logging.getLogger(__name__)

FIRST_PASSAGES = 3
CHOICES_MAX = 25  # Discord's limit on autocomplete choices
CHOICE_MAX = 100  # characters of a choice's name and value
LOG_ENTRIES = 25


class Sources(commands.Cog):
    """What the bot quotes from."""

    source = app_commands.Group(name="source", description="Look at one source, or manage this server's own.")

    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="sources", description="List the indexed sources with labels, sites, dates and passage counts."
    )
    @app_commands.describe(private="Only you see the list")
    async def sources(self, interaction: discord.Interaction[Any], private: bool = False) -> None:
        rendered = render_sources(self.bot.engine.sources(scope_of(interaction.guild_id)))
        await respond(interaction, interaction.response.send_message, **rendered.kwargs(), ephemeral=private)

    @source.command(name="show", description="Show one source's details and its first passages.")
    @app_commands.describe(label="The source's tag (e.g. S1), label or id")
    async def show(self, interaction: discord.Interaction[Any], label: str) -> None:
        scope = scope_of(interaction.guild_id)
        info = self.bot.engine.find_source(label, scope)
        if info is None:
            await respond(
                interaction,
                interaction.response.send_message,
                content=text_message(f"No source matches “{label}”. Use /sources to see the labels."),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        passages = self.bot.engine.source_passages(info.source.id, limit=FIRST_PASSAGES, scope=scope)
        await respond(interaction, interaction.response.send_message, **render_source(info, passages).kwargs())

    @show.autocomplete("label")
    async def label_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return self._choices(interaction, current, own_only=False)

    def _choices(
        self, interaction: discord.Interaction[Any], current: str, *, own_only: bool
    ) -> list[app_commands.Choice[str]]:
        """The sources this server sees (or only its own) matching what is typed so far."""
        scope = scope_of(interaction.guild_id)
        needle = current.casefold().strip()
        choices = []
        for info in self.bot.engine.sources(scope):
            s = info.source
            if own_only and s.scope != scope:
                continue
            if needle and not any(needle in x.casefold() for x in (s.tag, s.label, s.id)):
                continue
            choices.append(app_commands.Choice(name=plain(f"{s.tag} · {s.label}", CHOICE_MAX), value=s.id[:CHOICE_MAX]))
            if len(choices) == CHOICES_MAX:
                break
        return choices

    # -- this server's own sources ------------------------------------------------------

    @source.command(name="add", description="Add a .txt, .md or .html file as one of this server's sources.")
    @app_commands.describe(
        file="The article: plain text, Markdown, or a saved web page",
        label="What readers see beside a quote (default: its title)",
        site="The publisher",
        url="Where it was published",
        date="When it was published",
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(administrator=True)
    @source_manager_only()
    async def add(
        self,
        interaction: discord.Interaction[Any],
        file: discord.Attachment,
        label: str | None = None,
        site: str | None = None,
        url: str | None = None,
        date: str | None = None,
    ) -> None:
        limit = self.bot.config.max_upload_bytes
        if file.size > limit:
            await respond(
                interaction,
                interaction.response.send_message,
                content=text_message(f"{file.filename} is {file.size:,} bytes; the limit is {limit:,}."),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        await respond(interaction, interaction.response.defer, ephemeral=True, thinking=True)
        scope = scope_of(interaction.guild_id)
        assert scope is not None
        progress = BuildProgress(interaction, f"Indexing {file.filename}")
        try:
            doc = read_document(file.filename, await file.read(), max_bytes=limit)
            added = await progress.run(
                lambda report: add_source(
                    self.bot.config.db_path,
                    doc,
                    scope=scope,
                    actor=_actor(interaction),
                    label=label,
                    site=site,
                    url=url,
                    date=date,
                    progress=report,
                    isolated=True,
                )
            )
        except (EngineError, discord.HTTPException) as exc:
            await progress.finish(f"Nothing was added: {exc}")
            return
        await self.bot.engine.reload()
        notes = await self.bot.engine.notes_about(added.source.id, scope)
        lines = [f"Added [{added.source.tag}] {added.source.label}: {added.passages} passages, for this server only."]
        lines += [f"It adds a disagreement: {d.note}" for d in notes]
        log.info("source %s added to %s by %s", added.source.id, scope, interaction.user.id)
        await progress.finish("\n".join(lines))

    @source.command(name="remove", description="Remove one of this server's own sources.")
    @app_commands.describe(source="The source's tag, label or id")
    @app_commands.guild_only()
    @app_commands.default_permissions(administrator=True)
    @source_manager_only()
    async def remove(self, interaction: discord.Interaction[Any], source: str) -> None:
        await respond(interaction, interaction.response.defer, ephemeral=True, thinking=True)
        scope = scope_of(interaction.guild_id)
        assert scope is not None
        progress = BuildProgress(interaction, "Rebuilding")
        try:
            removed, report = await progress.run(
                lambda _report: remove_source(
                    self.bot.config.db_path, source, scope=scope, actor=_actor(interaction), isolated=True
                )
            )
        except EngineError as exc:
            await progress.finish(f"Nothing was removed: {exc}")
            return
        await self.bot.engine.reload()
        await progress.finish(f"Removed [{removed.tag}] {removed.label}; the index is now version {report.version}.")

    @remove.autocomplete("source")
    async def own_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return self._choices(interaction, current, own_only=True)

    @source.command(name="log", description="Who added or removed this server's sources, and when.")
    @app_commands.guild_only()
    @app_commands.default_permissions(administrator=True)
    @source_manager_only()
    async def audit(self, interaction: discord.Interaction[Any]) -> None:
        scope = scope_of(interaction.guild_id)
        assert scope is not None
        entries = await audit_log(self.bot.config.db_path, scope, LOG_ENTRIES)
        await respond(interaction, interaction.response.send_message, **render_audit(entries).kwargs(), ephemeral=True)

    @source.command(name="managers", description="Let a role add and remove this server's sources (or stop it).")
    @app_commands.describe(role="The role", allow="Allow it (default) or take the permission back")
    @app_commands.guild_only()
    @app_commands.default_permissions(administrator=True)
    @source_manager_only()
    async def managers(self, interaction: discord.Interaction[Any], role: discord.Role, allow: bool = True) -> None:
        assert interaction.guild_id is not None
        stored = await self.bot.state.get_setting(interaction.guild_id, SOURCE_ROLES) or ""
        roles = {int(x) for x in stored.split(",") if x.strip().isdigit()}
        roles = roles | {role.id} if allow else roles - {role.id}
        self.bot.state.note_setting(interaction.guild_id, SOURCE_ROLES, ",".join(str(r) for r in sorted(roles)))
        verb = "may now" if allow else "may no longer"
        await respond(
            interaction,
            interaction.response.send_message,
            content=text_message(f"Members with the role {role.name} {verb} add and remove this server's sources."),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


def _actor(interaction: discord.Interaction[Any]) -> str:
    """Who did it, as the audit log keeps it: the member's id and name."""
    return f"{interaction.user.id} ({interaction.user.name})"


async def setup(bot: QuoteBot) -> None:
    await bot.add_cog(Sources(bot))
