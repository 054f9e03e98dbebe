"""Persistent buttons under answers: More, Sources, 👍/👎.

Every button's ``custom_id`` carries the question-log id (and offset), so the buttons
work after a restart; when the logged question is gone they say the answer expired.
"""

from __future__ import annotations

import logging
import re
import time
from typing import TYPE_CHECKING, Any

import discord

from bot.cogs import scope_of
from bot.errors import report
from bot.render import NO_MENTIONS, render_answer, render_source_links
from bot.respond import mark_received, respond

if TYPE_CHECKING:
    from bot.client import QuoteBot
    from index.models import Answer

log = logging.getLogger(__name__)

EXPIRED = "This answer has expired. Please ask again with /ask."
THANKS = "Thanks for the feedback."


def _bot(interaction: discord.Interaction[Any]) -> QuoteBot:
    return interaction.client


async def _logged_question(interaction: discord.Interaction[Any], qid: int) -> str | None:
    logged = await _bot(interaction).state.get_question(qid)
    if logged is None:
        send = interaction.response.send_message
        await respond(interaction, send, content=EXPIRED, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return None
    return logged.question


async def _ask_again(interaction: discord.Interaction[Any], qid: int, offset: int) -> Answer | None:
    """The logged question's answer from ``offset`` on, or None (and "expired" said)."""
    question = await _logged_question(interaction, qid)
    if question is None:
        return None
    return await _bot(interaction).answer(question, offset=offset, scope=scope_of(interaction.guild_id))


class MoreButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ask:more:(?P<qid>[0-9]+):(?P<offset>[0-9]+)",
):
    """The next passages for the same question (shown only to whoever clicks)."""

    def __init__(self, qid: int, offset: int) -> None:
        super().__init__(
            discord.ui.Button(label="More", style=discord.ButtonStyle.primary, custom_id=f"ask:more:{qid}:{offset}")
        )
        self.qid = qid
        self.offset = offset

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MoreButton:
        mark_received(interaction)  # the 3 s window's clock, for respond()
        return cls(int(match["qid"]), int(match["offset"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            answer = await _ask_again(interaction, self.qid, self.offset)
            if answer is None:
                return
            rendered = render_answer(answer, offset=self.offset)
            await respond(
                interaction,
                interaction.response.send_message,
                **rendered.kwargs(),
                view=answer_view(self.qid, self.offset, answer),
                ephemeral=True,
            )
        except Exception as exc:
            await report(interaction, exc)


class SourcesButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ask:sources:(?P<qid>[0-9]+):(?P<offset>[0-9]+)",
):
    """Full labels and links of the sources quoted in this answer."""

    def __init__(self, qid: int, offset: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Sources",
                style=discord.ButtonStyle.secondary,
                custom_id=f"ask:sources:{qid}:{offset}",
            )
        )
        self.qid = qid
        self.offset = offset

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SourcesButton:
        mark_received(interaction)  # the 3 s window's clock, for respond()
        return cls(int(match["qid"]), int(match["offset"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            answer = await _ask_again(interaction, self.qid, self.offset)
            if answer is None:
                return
            rendered = render_source_links(list(answer.sources))
            await respond(interaction, interaction.response.send_message, **rendered.kwargs(), ephemeral=True)
        except Exception as exc:
            await report(interaction, exc)


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"ask:vote:(?P<qid>[0-9]+):(?P<vote>up|down)",
):
    """👍/👎 feedback, stored with the logged question (one vote per user, changeable)."""

    def __init__(self, qid: int, vote: str) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if vote == "up" else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"ask:vote:{qid}:{vote}",
            )
        )
        self.qid = qid
        self.vote = vote

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        mark_received(interaction)  # the 3 s window's clock, for respond()
        return cls(int(match["qid"]), match["vote"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            state = _bot(interaction).state
            send = interaction.response.send_message
            if await state.get_question(self.qid) is None:
                await respond(interaction, send, content=EXPIRED, ephemeral=True, allowed_mentions=NO_MENTIONS)
                return
            await respond(interaction, send, content=THANKS, ephemeral=True, allowed_mentions=NO_MENTIONS)
            state.note_vote(self.qid, interaction.user.id, 1 if self.vote == "up" else -1)  # after the reply
        except Exception as exc:
            await report(interaction, exc)


ANSWER_ITEMS = (MoreButton, SourcesButton, VoteButton)


def answer_view(qid: int, offset: int, answer: Answer) -> discord.ui.View:
    """Buttons for an answer; an unanswered question gets none (it is already a gap)."""
    view = discord.ui.View(timeout=None)
    if not answer.answered:
        return view
    if answer.more:
        view.add_item(MoreButton(qid, offset + max(len(answer.quotes), 1)))
    if answer.sources:
        view.add_item(SourcesButton(qid, offset))
    view.add_item(VoteButton(qid, "up"))
    view.add_item(VoteButton(qid, "down"))
    return view


def elapsed_ms(start: float) -> int:
    return int((time.perf_counter() - start) * 1000)
