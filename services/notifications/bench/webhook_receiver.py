"""The webhook receiver of delivery_bench.py, run as its own process: a bare ASGI app under
uvicorn on 127.0.0.1 that answers every webhook 200 with no body, after checking its signature
with the helper shipped for agencies (`notifications.webhooks.verify`, standard library only).

    .venv/bin/python services/notifications/bench/webhook_receiver.py   # prints its port

`POST /_secrets` {path: [secret, …]} sets the secrets and clears the counts and replay caches;
`GET /_stats` gives {"received", "verified", "errors"} (the first five failures).
"""

from __future__ import annotations

import json
import socket
from typing import Any

import uvicorn

from notifications.webhooks.verify import Webhook, WebhookVerificationError

state: dict[str, Any] = {"hooks": {}, "received": 0, "verified": 0, "errors": []}


async def body_of(receive: Any) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def answer(send: Any, status: int, payload: bytes = b"") -> None:
    headers = [(b"content-length", str(len(payload)).encode())]
    if payload:
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def app(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = await body_of(receive)
    path = scope["path"].strip("/")
    if path == "_secrets":
        hooks = {p: Webhook(secrets) for p, secrets in json.loads(body).items()}
        state.update(hooks=hooks, received=0, verified=0, errors=[])
        return await answer(send, 204)
    if path == "_stats":
        stats = {k: state[k] for k in ("received", "verified", "errors")}
        return await answer(send, 200, json.dumps(stats).encode())
    state["received"] += 1
    hook = state["hooks"].get(path)
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    try:
        if hook is None:
            raise WebhookVerificationError(f"no secret for /{path}")
        hook.verify(body, headers)
        state["verified"] += 1
    except WebhookVerificationError as exc:
        if len(state["errors"]) < 5:
            state["errors"].append(f"/{path}: {exc}")
    await answer(send, 200)  # fast, whatever the check said: the counts tell


def main() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
