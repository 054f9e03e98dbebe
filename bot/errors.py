"""The one error handler for application commands (and the buttons that reuse it)."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.cogs import OutOfRange
from bot.render import NO_MENTIONS, text_message
from bot.respond import mark_received, respond, undeliverable
from index.models import EngineError

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on my side. It has been logged; please try again later."
NO_PERMISSION = "You don't have permission to use this command."
CANNOT_POST = "I can't post in this channel. Ask an admin to check my permissions here."


def user_message(error: BaseException) -> str | None:
    """A short message for errors the user can act on; None for unexpected ones."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, OutOfRange):
        return str(error)
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: you can ask again in {max(error.retry_after, 1):.0f} s."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        return f"I'm missing permissions in this channel: {missing}."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, (app_commands.MissingPermissions, app_commands.CheckFailure)):
        return NO_PERMISSION
    if isinstance(error, discord.Forbidden):
        return CANNOT_POST
    if isinstance(error, EngineError):
        return str(error).strip().splitlines()[0] if str(error).strip() else "That didn't work."
    if isinstance(error, app_commands.TransformerError):
        return "That value isn't valid here."
    return None


async def report(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the user briefly and privately; log anything unexpected (one line for Discord's own trouble)."""
    command = interaction.command.qualified_name if interaction.command else "button"
    why = undeliverable(error)
    if why is not None:
        # Anything more sent for this interaction would be refused too.
        log.warning("Interaction %s (%s): %s", interaction.id, command, why)
        return
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(original, discord.Forbidden):
        log.warning(
            "Interaction %s (%s): missing permissions in channel %s (%s)",
            interaction.id,
            command,
            interaction.channel_id,
            original.text or original.status,
        )
    message = user_message(error)
    if message is None:
        log.error("Interaction %s (%s) failed", interaction.id, command, exc_info=error)
        message = APOLOGY
    try:
        if interaction.response.type == discord.InteractionResponseType.deferred_channel_message:
            # A "thinking…" reply is waiting: replace it (a follow-up would not be ephemeral anyway).
            await interaction.edit_original_response(
                content=text_message(message), embeds=[], view=None, allowed_mentions=NO_MENTIONS
            )
        elif interaction.response.is_done():
            await interaction.followup.send(text_message(message), ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await respond(
                interaction,
                interaction.response.send_message,
                content=text_message(message),
                ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
    except Exception as exc:  # nothing more can be done for this interaction; the bot keeps serving others
        log.warning("Could not report an error for interaction %s (%s)", interaction.id, undeliverable(exc) or exc)


class BotTree(app_commands.CommandTree):
    """Command tree whose ``on_error`` turns failures into short ephemeral replies."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        mark_received(interaction)  # the 3 s window's clock, for respond()
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report(interaction, error)
