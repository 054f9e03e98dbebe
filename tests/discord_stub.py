"""A small stand-in for Discord's REST API and gateway, for driving the real discord.py.

One aiohttp app on 127.0.0.1 serves ``/api/v10/...`` and the gateway websocket. It
records every request (method, path, JSON body) so tests assert on exactly what the
bot sent, and it can push gateway events (interactions, messages) at the bot.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

T = TypeVar("T")
BOT_ID = 900000000000000001
APP_ID = 900000000000000002
GUILD_ID = 900000000000000003
OTHER_GUILD_ID = 900000000000000007  # a second server, to check that servers never see each other's sources
OTHER_CHANNEL_ID = 900000000000000008
CHANNEL_ID = 900000000000000004
MOD_ROLE_ID = 900000000000000005
OWNER_ID = 900000000000000006
USER_ID = 900000000000000010

ADMINISTRATOR = 1 << 3
SEND_PERMS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16)  # view, send, embed links, read history
MANAGE_MESSAGES = 1 << 13


@dataclass
class Request:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Any
    at: float = 0.0  # time.monotonic() when it arrived
    status: int = 0  # what the stub answered (0 until it has)


@dataclass
class Fault:
    """A canned error answered to requests that match, ``times`` times (then they pass)."""

    match: Callable[[Request], bool]
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


def _now() -> str:
    return datetime.now(UTC).isoformat()


def user(uid: int, name: str = "member", *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(uid),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "flags": 0,
        "public_flags": 0,
    }


def member(
    uid: int, name: str = "member", roles: tuple[int, ...] = (), permissions: int = SEND_PERMS
) -> dict[str, Any]:
    return {
        "user": user(uid, name),
        "roles": [str(r) for r in roles],
        "joined_at": _now(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str(permissions),
        "nick": None,
    }


@dataclass
class DiscordStub:
    """The fake Discord. ``await start()``, point discord.py at ``api_url``/``gateway_url``."""

    requests: list[Request] = field(default_factory=list)
    forbidden_channels: set[int] = field(default_factory=set)  # POSTs of messages here get 403
    token_valid: bool = True  # False: GET /users/@me answers 401, as Discord does for a bad token
    close_on_identify: int | None = None  # close the gateway with this code on IDENTIFY (4014: intents)
    faults: list[Fault] = field(default_factory=list)  # canned errors, checked before anything else
    listeners: list[Callable[[Request], None]] = field(default_factory=list)  # told of each answered request
    keep_history: bool = True  # False (load tests): keep no requests or messages, so memory stays flat
    # Discord refuses a first response after 3 s (10062 Unknown interaction); None: accept it any time.
    response_window_s: float | None = None
    _sent_at: dict[str, float] = field(default_factory=dict)  # interaction id -> when it was sent
    loop: asyncio.AbstractEventLoop | None = None  # its own loop, when served by stub_in_thread
    identifies: int = 0
    resumes: int = 0
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    attachments: dict[str, bytes] = field(default_factory=dict)  # served at /attachments/<id>/<name>
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(910000000000000000))
    _ws: web.WebSocketResponse | None = None
    _seq: int = 0
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _runner: web.AppRunner | None = None
    port: int = 0

    # -- lifecycle ---------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{id}/{name}", self._attachment)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _attachment(self, request: web.Request) -> web.Response:
        data = self.attachments.get(request.match_info["id"])
        return web.Response(body=data) if data is not None else web.Response(status=404)

    def attach(self, filename: str, data: bytes, *, size: int | None = None) -> dict[str, Any]:
        """An uploaded file as Discord describes it in an interaction (served by the stub)."""
        aid = str(self.next_id())
        self.attachments[aid] = data
        url = f"http://127.0.0.1:{self.port}/attachments/{aid}/{filename}"
        return {
            "id": aid,
            "filename": filename,
            "size": len(data) if size is None else size,
            "url": url,
            "proxy_url": url,
            "content_type": "text/plain",
        }

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def next_id(self) -> int:
        return next(self._ids)

    # -- gateway -------------------------------------------------------------------

    async def _send(self, op: int, d: Any, t: str | None = None) -> None:
        assert self._ws is not None, "the bot is not connected"
        s = None
        if op == 0:
            self._seq += 1
            s = self._seq
        await self._ws.send_str(json.dumps({"op": op, "d": d, "s": s, "t": t}))

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway event (op 0) to the connected bot."""
        await self._send(0, data, event)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        # discord.py asks for zlib/zstd streams but accepts plain text frames.
        await self._send(10, {"heartbeat_interval": 45000})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op = payload["op"]
            if op == 1:
                await self._send(11, None)
            elif op == 2:
                self.identifies += 1
                if self.close_on_identify is not None:
                    await ws.close(code=self.close_on_identify, message=b"stub refused the session")
                    break
                await self._ready()
            elif op == 6:
                self.resumes += 1
                await self.dispatch("RESUMED", {})
            await self._notify()
        return ws

    async def _ready(self) -> None:
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": user(BOT_ID, "quotebot", bot=True),
                "guilds": [
                    {"id": str(GUILD_ID), "unavailable": True},
                    {"id": str(OTHER_GUILD_ID), "unavailable": True},
                ],
                "session_id": "stub-session",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(APP_ID), "flags": 0},
                "private_channels": [],
                "relationships": [],
            },
        )
        everyone = {
            "id": str(GUILD_ID),
            "name": "@everyone",
            "permissions": str(SEND_PERMS),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        mod = dict(everyone, id=str(MOD_ROLE_ID), name="Moderator", position=1)
        for guild_id, channel_id, roles in (
            (GUILD_ID, CHANNEL_ID, [everyone, mod]),
            (OTHER_GUILD_ID, OTHER_CHANNEL_ID, [dict(everyone, id=str(OTHER_GUILD_ID))]),
        ):
            await self._guild_create(guild_id, channel_id, roles)

    async def _guild_create(self, guild_id: int, channel_id: int, roles: list[dict[str, Any]]) -> None:
        bot_member = member(BOT_ID, "quotebot")
        bot_member["user"]["bot"] = True
        await self.dispatch(
            "GUILD_CREATE",
            {
                "id": str(guild_id),
                "name": "Stub Guild",
                "owner_id": str(OWNER_ID),
                "unavailable": False,
                "roles": roles,
                "emojis": [],
                "stickers": [],
                "features": [],
                "threads": [],
                "channels": [
                    {
                        "id": str(channel_id),
                        "type": 0,
                        "name": "general",
                        "position": 0,
                        "permission_overwrites": [],
                        "guild_id": str(guild_id),
                    }
                ],
                "members": [bot_member],
                "member_count": 2,
                "voice_states": [],
                "presences": [],
                "large": False,
                "joined_at": _now(),
                "premium_tier": 0,
                "afk_timeout": 300,
                "verification_level": 0,
                "default_message_notifications": 0,
                "explicit_content_filter": 0,
                "mfa_level": 0,
                "nsfw_level": 0,
                "preferred_locale": "en-US",
                "system_channel_flags": 0,
            },
        )

    async def drop_connection(self) -> None:
        """Close the gateway socket as Discord does on trouble (4000: resumable)."""
        assert self._ws is not None
        await self._ws.close(code=4000, message=b"stub dropped the connection")

    # -- REST ------------------------------------------------------------------------

    @staticmethod
    def _json(data: Any, status: int = 200) -> web.Response:
        # Exactly "application/json": discord.py mis-reads "...; charset=utf-8".
        return web.Response(status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"})

    def message(self, channel_id: int, body: dict[str, Any], *, flags: int = 0) -> dict[str, Any]:
        """A message object as Discord returns it, from what the bot sent."""
        mid = self.next_id()
        msg = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "author": user(BOT_ID, "quotebot", bot=True),
            "content": body.get("content") or "",
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags", 0) | flags,
        }
        if self.keep_history:
            self.messages[mid] = msg
        return msg

    def fail(
        self,
        match: Callable[[Request], bool],
        status: int,
        body: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> Fault:
        """Answer the next ``times`` matching requests with ``status`` (and ``body``, ``headers``)."""
        fault = Fault(match, status, body or {"message": f"stub fault {status}", "code": 0}, headers or {}, times)
        self.faults.append(fault)
        return fault

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        body: Any = await request.json() if request.can_read_body else None
        req = Request(request.method, path, dict(request.query), body, time.monotonic())
        if self.keep_history:
            self.requests.append(req)
            await self._notify()
        response = self._faulted(req) or await self._answer(req)
        req.status = response.status
        for listener in self.listeners:
            listener(req)
        if self.keep_history:
            await self._notify()
        return response

    def _faulted(self, req: Request) -> web.Response | None:
        for fault in self.faults:
            if fault.times > 0 and fault.match(req):
                fault.times -= 1
                headers = {"Content-Type": "application/json", **fault.headers}
                return web.Response(status=fault.status, body=json.dumps(fault.body).encode(), headers=headers)
        return None

    async def _answer(self, req: Request) -> web.Response:
        path, body = req.path, req.body
        parts = path.strip("/").split("/")
        method = req.method
        if path == "/users/@me":
            if not self.token_valid:
                return self._json({"message": "401: Unauthorized", "code": 0}, status=401)
            return self._json(user(BOT_ID, "quotebot", bot=True))
        if path == "/oauth2/applications/@me":
            return self._json(
                {
                    "id": str(APP_ID),
                    "name": "quotebot",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "verify_key": "k",
                    "flags": 0,
                    "owner": user(OWNER_ID, "owner"),
                    "team": None,
                }
            )
        if parts[0] == "interactions" and parts[-1] == "callback":
            sent_at = self._sent_at.pop(parts[1], None)
            window = self.response_window_s
            if window is not None and sent_at is not None and time.monotonic() - sent_at > window:
                return self._json({"message": "Unknown interaction", "code": 10062}, status=404)
            rtype = body["type"]
            resource: dict[str, Any] = {"type": rtype}
            if rtype in (4, 5, 7):
                resource["message"] = self.message(CHANNEL_ID, body.get("data") or {})
                if self.keep_history:
                    self._originals[parts[2]] = resource["message"]
            flags = (body.get("data") or {}).get("flags", 0)
            return self._json(
                {
                    "interaction": {
                        "id": parts[1],
                        "type": 2,
                        "response_message_id": resource.get("message", {}).get("id"),
                        "response_message_loading": rtype == 5,
                        "response_message_ephemeral": bool(flags & 64),
                    },
                    "resource": resource,
                }
            )
        if parts[0] == "webhooks":
            token = parts[2]
            if method == "PATCH" and parts[-1] == "@original":
                msg = self._originals.get(token) or self.message(CHANNEL_ID, {})
                msg.update({k: v for k, v in body.items() if k in ("content", "embeds", "components")})
                return self._json(msg)
            if method == "POST":
                return self._json(self.message(CHANNEL_ID, body))
            if method == "DELETE":
                return web.Response(status=204)
        if parts[0] == "channels" and len(parts) >= 3 and parts[2] == "messages":
            cid = int(parts[1])
            if method == "POST" and len(parts) == 3:
                if cid in self.forbidden_channels:
                    return self._json({"message": "Missing Permissions", "code": 50013}, status=403)
                return self._json(self.message(cid, body))
            if method == "PATCH" and len(parts) == 4:
                edited = self.messages.get(int(parts[3]))
                if edited is None:
                    return self._json({"message": "Unknown Message", "code": 10008}, status=404)
                edited.update({k: v for k, v in body.items() if k in ("content", "embeds", "components")})
                return self._json(edited)
            if method == "PUT" and parts[3] == "pins":
                if int(parts[4]) in self.messages:
                    self.messages[int(parts[4])]["pinned"] = True
                return web.Response(status=204)
        if parts[0] == "applications" and method == "PUT" and parts[-1] == "commands":
            return self._json([dict(c, id=str(self.next_id()), application_id=str(APP_ID), version="1") for c in body])
        return self._json({"message": "404: Not Found", "code": 0}, status=404)

    _originals: dict[str, dict[str, Any]] = field(default_factory=dict)

    # -- waiting on what the bot does ------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[Request], bool], *, after: int = 0, within: float = 5.0) -> Request:
        """The first recorded request from index ``after`` on that matches."""

        async def scan() -> Request:
            async with self._changed:
                while True:
                    for r in self.requests[after:]:
                        if predicate(r):
                            return r
                    await self._changed.wait()

        return await asyncio.wait_for(scan(), within)

    async def wait_until(self, condition: Callable[[], bool], within: float = 5.0) -> None:
        async def poll() -> None:
            async with self._changed:
                await self._changed.wait_for(condition)

        await asyncio.wait_for(poll(), within)

    # -- events the tests send ---------------------------------------------------------

    def _interaction(
        self,
        itype: int,
        data: dict[str, Any],
        *,
        user_id: int,
        roles: tuple[int, ...],
        permissions: int,
        channel_id: int,
        message: dict[str, Any] | None = None,
        guild_id: int = GUILD_ID,
    ) -> dict[str, Any]:
        iid = self.next_id()
        payload = {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": itype,
            "token": f"tok{iid}",
            "version": 1,
            "guild_id": str(guild_id),
            "channel_id": str(channel_id),
            "channel": {
                "id": str(channel_id),
                "type": 0,
                "name": "general",
                "guild_id": str(guild_id),
                "position": 0,
                "permission_overwrites": [],
            },
            "member": member(user_id, f"user{user_id % 1000}", roles, permissions),
            "app_permissions": str(SEND_PERMS | MANAGE_MESSAGES),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
            "attachment_size_limit": 25 * 1024 * 1024,
            "data": data,
        }
        if message is not None:
            payload["message"] = message
        return payload

    async def slash(
        self,
        name: str,
        options: list[dict[str, Any]] | None = None,
        *,
        user_id: int = USER_ID,
        roles: tuple[int, ...] = (),
        permissions: int = SEND_PERMS,
        channel_id: int = CHANNEL_ID,
        autocomplete: bool = False,
        guild_id: int = GUILD_ID,
        resolved: dict[str, Any] | None = None,
    ) -> Interaction:
        """Invoke a slash command; ``options`` as Discord sends them (``resolved``: attachments…)."""
        data: dict[str, Any] = {"id": str(self.next_id()), "name": name, "type": 1, "options": options or []}
        if resolved:
            data["resolved"] = resolved
        payload = self._interaction(
            4 if autocomplete else 2,
            data,
            user_id=user_id,
            roles=roles,
            permissions=permissions,
            channel_id=channel_id,
            guild_id=guild_id,
        )
        return await self._send_interaction(payload)

    async def ask(self, question: str, *, private: bool = False, **kwargs: Any) -> Interaction:
        options = [{"name": "question", "type": 3, "value": question}]
        if private:
            options.append({"name": "private", "type": 5, "value": True})
        return await self.slash("ask", options, **kwargs)

    async def click(self, message: dict[str, Any], custom_id: str, *, user_id: int = USER_ID) -> Interaction:
        """Press a button of a message the bot sent."""
        payload = self._interaction(
            3,
            {"custom_id": custom_id, "component_type": 2},
            user_id=user_id,
            roles=(),
            permissions=SEND_PERMS,
            channel_id=int(message["channel_id"]),
            message=message,
        )
        return await self._send_interaction(payload)

    async def mention(self, text: str, *, user_id: int = USER_ID, channel_id: int = CHANNEL_ID) -> int:
        """Post a message that mentions the bot; returns the message id."""
        mid = self.next_id()
        await self.dispatch(
            "MESSAGE_CREATE",
            {
                "id": str(mid),
                "channel_id": str(channel_id),
                "guild_id": str(GUILD_ID),
                "author": user(user_id, f"user{user_id % 1000}"),
                "member": {k: v for k, v in member(user_id).items() if k != "user"},
                "content": f"<@{BOT_ID}> {text}",
                "timestamp": _now(),
                "edited_timestamp": None,
                "tts": False,
                "mention_everyone": False,
                "mentions": [dict(user(BOT_ID, "quotebot", bot=True), member=member(BOT_ID))],
                "mention_roles": [],
                "attachments": [],
                "embeds": [],
                "pinned": False,
                "type": 0,
                "flags": 0,
            },
        )
        return mid

    async def _send_interaction(self, payload: dict[str, Any]) -> Interaction:
        mark = len(self.requests)
        await self.dispatch("INTERACTION_CREATE", payload)
        sent_at = time.monotonic()
        if self.response_window_s is not None:
            self._sent_at[str(payload["id"])] = sent_at
        return Interaction(self, {**payload, "_sent_at": sent_at}, mark)


@contextmanager
def stub_in_thread(stub: DiscordStub) -> Iterator[DiscordStub]:
    """Serve ``stub`` from its own event loop in a thread (``stub.loop``), for code that runs
    its own loop (the command line's ``asyncio.run``) or must not share one with Discord."""
    loop = asyncio.new_event_loop()
    stub.loop = loop
    thread = threading.Thread(target=loop.run_forever, name="discord-stub", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(stub.start(), loop).result(5)
        yield stub
    finally:
        asyncio.run_coroutine_threadsafe(stub.stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


async def on_stub_loop(stub: DiscordStub, coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` (asking, waiting for replies) on the loop of a stub served in a thread."""
    assert stub.loop is not None, "serve the stub with stub_in_thread"
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, stub.loop))


@dataclass
class Interaction:
    """An interaction the stub sent, and how to wait for the bot's reply to it."""

    stub: DiscordStub
    payload: dict[str, Any]
    mark: int

    @property
    def id(self) -> str:
        return str(self.payload["id"])

    @property
    def token(self) -> str:
        return str(self.payload["token"])

    def is_callback(self, r: Request) -> bool:
        return r.method == "POST" and r.path == f"/interactions/{self.id}/{self.token}/callback"

    async def callback(self, within: float = 5.0) -> Request:
        """The first response the bot tried (whether or not the stub accepted it)."""
        return await self.stub.wait_for(self.is_callback, after=self.mark, within=within)

    async def accepted_callback(self, within: float = 5.0) -> Request:
        """The first response the stub accepted."""
        return await self.stub.wait_for(
            lambda r: self.is_callback(r) and 200 <= r.status < 300, after=self.mark, within=within
        )

    @property
    def sent_at(self) -> float:
        """When the stub sent this interaction (time.monotonic())."""
        return float(self.payload["_sent_at"])

    async def reply(self, within: float = 5.0) -> dict[str, Any]:
        """The message the bot finally showed: the callback's data, or the edit after a defer."""
        cb = await self.accepted_callback(within)
        if cb.body["type"] != 5:
            return dict(cb.body.get("data") or {})
        edit = await self.stub.wait_for(
            lambda r: r.path.startswith(f"/webhooks/{APP_ID}/{self.token}") and r.method in ("PATCH", "POST"),
            after=self.mark,
            within=within,
        )
        return dict(edit.body)

    async def final(self, within: float = 30.0) -> dict[str, Any]:
        """The outcome of a deferred command that shows progress on the way ("… 3/5 sources…")."""
        cb = await self.callback(within)
        assert cb.body["type"] == 5, "not deferred"
        edit = await self.stub.wait_for(
            lambda r: (
                r.path.startswith(f"/webhooks/{APP_ID}/{self.token}")
                and r.method in ("PATCH", "POST")
                and not str((r.body or {}).get("content", "")).endswith("sources…")
            ),
            after=self.mark,
            within=within,
        )
        return dict(edit.body, flags=(cb.body.get("data") or {}).get("flags", 0))

    def sent_message(self) -> dict[str, Any]:
        """The message object the stub created for this interaction's reply (with components)."""
        return self.stub._originals[self.token]


# -- Discord's message limits, checked on every body the bot sends -----------------------

LIMITS = {
    "content": 2000,
    "title": 256,
    "description": 4096,
    "field_name": 256,
    "field_value": 1024,
    "footer": 2048,
    "author": 256,
    "fields": 25,
    "embeds": 10,
    "embed_total": 6000,
}


def _n(text: str | None) -> int:
    return len((text or "").encode("utf-16-le")) // 2


def limit_violations(body: dict[str, Any]) -> list[str]:
    """Every way a message body breaks Discord's limits (empty when it fits)."""
    bad = []
    if _n(body.get("content")) > LIMITS["content"]:
        bad.append(f"content {_n(body.get('content'))}")
    embeds = body.get("embeds") or []
    if len(embeds) > LIMITS["embeds"]:
        bad.append(f"{len(embeds)} embeds")
    total = 0
    for i, e in enumerate(embeds):
        parts = {
            "title": e.get("title"),
            "description": e.get("description"),
            "footer": (e.get("footer") or {}).get("text"),
            "author": (e.get("author") or {}).get("name"),
        }
        for key, text in parts.items():
            if _n(text) > LIMITS[key]:
                bad.append(f"embed {i} {key} {_n(text)}")
            total += _n(text)
        fields = e.get("fields") or []
        if len(fields) > LIMITS["fields"]:
            bad.append(f"embed {i}: {len(fields)} fields")
        for f in fields:
            if _n(f.get("name")) > LIMITS["field_name"] or _n(f.get("value")) > LIMITS["field_value"]:
                bad.append(f"embed {i} field too long")
            total += _n(f.get("name")) + _n(f.get("value"))
    if total > LIMITS["embed_total"]:
        bad.append(f"embeds total {total}")
    return bad


def message_bodies(requests: list[Request]) -> list[dict[str, Any]]:
    """Every message body the bot sent: replies, edits, follow-ups, channel posts."""
    bodies = []
    for r in requests:
        if not isinstance(r.body, dict):
            continue
        if r.path.endswith("/callback"):
            if r.body.get("type") in (4, 7) and r.body.get("data"):
                bodies.append(r.body["data"])
        elif r.path.startswith(("/webhooks/", "/channels/")) and r.method in ("POST", "PATCH"):
            bodies.append(r.body)
    return bodies
