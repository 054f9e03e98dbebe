"""First responses inside Discord's window, and the failures after which nothing can be sent.

Discord drops an interaction that is not answered (or deferred) within 3 s. After a 5xx,
discord.py waits 1 s, then 3 s, before trying again, so a second 5xx alone pushes the
response past the window. :func:`respond` keeps its own clock: an attempt still running
after ``ATTEMPT_S`` is sitting out that back-off, and is sent again at once instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

RESPONSE_WINDOW_S = 3.0  # Discord's, from when it sent the interaction
RESPONSE_MARGIN_S = 0.3  # our clock starts when the event is handled, a little after Discord's
ATTEMPT_S = 1.2  # past discord.py's first retry (1 s), short of its second (1 + 3 s)
ALREADY_ACKNOWLEDGED = 40060  # an attempt we gave up on reached Discord after all
UNKNOWN_WEBHOOK = 10015  # the interaction's token expired (15 min) or was never valid
UNKNOWN_INTERACTION = 10062  # the 3 s window passed before the first response
TOO_MANY_REQUESTS = 429
_RECEIVED = "received"  # key in Interaction.extras


class NoResponse(Exception):
    """Discord did not take an interaction's first response within its window."""


def mark_received(interaction: discord.Interaction[Any]) -> float:
    """When the bot began handling ``interaction`` (loop time), noted on first call."""
    received: float = interaction.extras.setdefault(_RECEIVED, asyncio.get_running_loop().time())
    return received


async def respond(
    interaction: discord.Interaction[Any], send: Callable[..., Awaitable[object]], /, **kwargs: Any
) -> None:
    """``await send(**kwargs)`` as the interaction's first response, within Discord's window.

    ``send`` is ``interaction.response.send_message``, ``defer`` or the like. NoResponse
    when Discord did not take it in time (the member then sees "did not respond").
    """
    loop = asyncio.get_running_loop()
    deadline = mark_received(interaction) + RESPONSE_WINDOW_S - RESPONSE_MARGIN_S
    attempts = 0
    while (remaining := deadline - loop.time()) > 0:
        attempts += 1
        try:
            await asyncio.wait_for(send(**kwargs), min(ATTEMPT_S, remaining))
        except TimeoutError:
            continue
        except discord.HTTPException as exc:
            if exc.code != ALREADY_ACKNOWLEDGED:
                raise
        if attempts > 1:
            log.warning(
                "Interaction %s: Discord took the response only after %.1f s, sent again %d time(s) "
                "(it was failing or slow)",
                interaction.id,
                loop.time() - mark_received(interaction),
                attempts - 1,
            )
        return
    raise NoResponse(
        f"Discord did not take the response within {RESPONSE_WINDOW_S:.0f} s ({attempts} attempt(s): "
        "server errors or a slow network); the member sees 'did not respond'"
    )


def undeliverable(error: BaseException) -> str | None:
    """Why nothing more can be sent for this interaction (one log line), or None."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, NoResponse):
        return str(error)
    if isinstance(error, discord.NotFound) and error.code in (UNKNOWN_WEBHOOK, UNKNOWN_INTERACTION):
        return f"the interaction expired before the reply was sent (Discord {error.status}, code {error.code})"
    if isinstance(error, discord.HTTPException) and error.status == TOO_MANY_REQUESTS:
        via = getattr(getattr(error, "response", None), "headers", {}).get("Via")
        if not via:
            return (
                "Discord refused the reply with 429 and no Via header: Cloudflare is blocking this IP "
                "(too many invalid requests?); not sending more"
            )
        return "Discord kept rate-limiting the reply (429) after discord.py's retries; the reply was not sent"
    if isinstance(error, discord.DiscordServerError):
        return f"Discord kept failing ({error.status}) after discord.py's retries; the reply was not sent"
    return None
