"""Cogs of the bot, and the permission checks they share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands


def scope_of(guild_id: int | None) -> str | None:
    """The engine's scope for a server: its own sources besides the global ones (None in DMs)."""
    return str(guild_id) if guild_id else None


SOURCE_ROLES = "source_roles"  # guild setting: role ids (comma-separated) that may manage sources


def is_admin(interaction: discord.Interaction[Any]) -> bool:
    """An administrator of the guild (Discord resolves ownership into this too)."""
    return interaction.guild is not None and interaction.permissions.administrator


def is_moderator(interaction: discord.Interaction[Any]) -> bool:
    """An administrator, or a member with a role named in ``config.moderator_roles``."""
    if is_admin(interaction):
        return True
    user = interaction.user
    wanted = {r.casefold() for r in interaction.client.config.moderator_roles}
    return isinstance(user, discord.Member) and any(r.name.casefold() in wanted for r in user.roles)


def _guild_check(allowed: Callable[[discord.Interaction[Any]], bool], permission: str) -> Any:
    """A run-time check in a guild, repeating what ``default_permissions`` hides."""

    def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if not allowed(interaction):
            raise app_commands.MissingPermissions([permission])
        return True

    return app_commands.check(predicate)


class OutOfRange(app_commands.AppCommandError):
    """A number outside the range its option declares."""

    def __init__(self, name: str, value: float, minimum: float | None, maximum: float | None) -> None:
        super().__init__(f"{name} must be from {minimum} to {maximum}, not {value}.")


def ranges_enforced() -> Any:
    """Refuse numbers outside each option's declared ``app_commands.Range``.

    Discord's own client keeps to the range, but discord.py does not check it, so a stale
    command schema or another client could pass anything; the member is told the range.
    """

    def predicate(interaction: discord.Interaction[Any]) -> bool:
        command = interaction.command
        if not isinstance(command, app_commands.Command):
            return True
        for param in command.parameters:
            value = getattr(interaction.namespace, param.name, None)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            low, high = param.min_value, param.max_value
            if (low is not None and value < low) or (high is not None and value > high):
                raise OutOfRange(param.display_name, value, low, high)
        return True

    return app_commands.check(predicate)


async def manages_sources(interaction: discord.Interaction[Any]) -> bool:
    """An administrator, or a member with a role the server's settings allow to manage sources."""
    if is_admin(interaction):
        return True
    user = interaction.user
    if interaction.guild_id is None or not isinstance(user, discord.Member):
        return False
    stored = await interaction.client.state.get_setting(interaction.guild_id, SOURCE_ROLES) or ""
    allowed = {int(x) for x in stored.split(",") if x.strip().isdigit()}
    return any(r.id in allowed for r in user.roles)


def source_manager_only() -> Any:
    """Run-time check behind ``default_permissions(administrator=True)`` for source commands."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage()
        if not await manages_sources(interaction):
            raise app_commands.MissingPermissions(["administrator"])
        return True

    return app_commands.check(predicate)


def admin_only() -> Any:
    """Run-time check behind ``default_permissions(administrator=True)``."""
    return _guild_check(is_admin, "administrator")


def moderator_only() -> Any:
    """Run-time check behind ``default_permissions(manage_messages=True)``."""
    return _guild_check(is_moderator, "manage_messages")
