"""A long build's progress in the deferred reply, and its end even past the token's life.

An interaction token lives 15 minutes: a build that runs longer cannot edit its reply or
send a follow-up any more, so the last word goes to the channel instead.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import discord

from bot.render import NO_MENTIONS, text_message

log = logging.getLogger(__name__)

T = TypeVar("T")
EDIT_EVERY_S = 3.0  # Discord rate-limits edits; a build's progress needs no more
TOKEN_LIFE_S = 14 * 60.0  # a little under the 15 minutes an interaction token lives


class BuildProgress:
    """Shows "what … n/total" in a deferred interaction reply while ``work`` runs."""

    def __init__(self, interaction: discord.Interaction[Any], what: str) -> None:
        self.interaction = interaction
        self.what = what
        self.started = time.monotonic()
        self._latest: tuple[int, int] | None = None

    def update(self, done: int, total: int, _label: str = "") -> None:
        """The build's progress callback (called on the event loop)."""
        self._latest = (done, total)

    @property
    def expired(self) -> bool:
        return time.monotonic() - self.started > TOKEN_LIFE_S

    async def run(self, work: Callable[[Callable[[int, int, str], None]], Awaitable[T]]) -> T:
        task = asyncio.ensure_future(work(self.update))
        shown: tuple[int, int] | None = None
        while not task.done():
            await asyncio.wait({task}, timeout=EDIT_EVERY_S)
            if task.done() or self.expired or self._latest == shown or self._latest is None:
                continue
            shown = self._latest
            try:
                await self.interaction.edit_original_response(
                    content=text_message(f"{self.what}: {shown[0]}/{shown[1]} sources…")
                )
            except discord.HTTPException as exc:
                log.info("could not show build progress: %s", exc)
        return await task

    async def finish(self, text: str) -> None:
        """The outcome: in the reply while the token lives, in the channel after."""
        if not self.expired:
            try:
                await self.interaction.edit_original_response(content=text_message(text), allowed_mentions=NO_MENTIONS)
                return
            except discord.HTTPException as exc:
                log.info("could not edit the build's reply (%s); posting in the channel", exc)
        channel = self.interaction.channel
        if isinstance(channel, discord.abc.Messageable):
            who = f"<@{self.interaction.user.id}>"
            try:
                await channel.send(text_message(f"{who} {text}"), allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as exc:
                log.warning("could not report the end of a build (%s): %s", exc, text)
