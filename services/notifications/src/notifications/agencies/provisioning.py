"""Provisioning an AMQP agency through the RabbitMQ management HTTP API (idempotent: run it again
after the agency's registration or a granted organisation changed)."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx

from notifications.agencies.rules import PUBLIC, AmqpGrant

TIMEOUT_SECONDS = 15.0


class ProvisioningError(RuntimeError):
    pass


def vhost_of(amqp_url: str) -> str:
    path = urlsplit(amqp_url).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def _client(api_url: str) -> httpx.Client:
    parts = urlsplit(api_url)
    auth = (
        httpx.BasicAuth(unquote(parts.username), unquote(parts.password or ""))
        if parts.username
        else None
    )
    host = parts.hostname or "127.0.0.1"
    netloc = f"{host}:{parts.port}" if parts.port else host
    base = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
    return httpx.Client(base_url=base, auth=auth, timeout=TIMEOUT_SECONDS)


def _check(response: httpx.Response, what: str) -> None:
    if response.status_code not in (200, 201, 204):
        raise ProvisioningError(f"{what}: HTTP {response.status_code} {response.text[:300]}")


def provision(api_url: str, grant: AmqpGrant, password: str) -> None:
    """The user and its limits, permissions and topic permissions, the agency's stream and its
    bindings from `events.public` (the bindings no longer granted are removed)."""
    v, u, q = (quote(x, safe="") for x in (grant.vhost, grant.user, grant.stream))
    public = quote(PUBLIC, safe="")
    with _client(api_url) as api:
        _check(api.put(f"/users/{u}", json={"password": password, "tags": ""}), "user")
        for limit, value in grant.user_limits.items():
            _check(api.put(f"/user-limits/{u}/{limit}", json={"value": value}), f"limit {limit}")
        _check(api.put(f"/permissions/{v}/{u}", json=grant.permissions), "permissions")
        _check(
            api.put(f"/topic-permissions/{v}/{u}", json=grant.topic_permissions),
            "topic permissions",
        )
        _check(api.put(f"/exchanges/{v}/{public}", json={"type": "topic", "durable": True}), PUBLIC)
        _check(
            api.put(
                f"/queues/{v}/{q}", json={"durable": True, "arguments": grant.stream_arguments}
            ),
            "stream",
        )
        listed = api.get(f"/bindings/{v}/e/{public}/q/{q}")
        _check(listed, "bindings")
        for old in listed.json():
            if old["routing_key"] not in grant.binding_keys:
                props = quote(old["properties_key"], safe="")
                _check(api.delete(f"/bindings/{v}/e/{public}/q/{q}/{props}"), "unbinding")
        for key in grant.binding_keys:
            _check(
                api.post(f"/bindings/{v}/e/{public}/q/{q}", json={"routing_key": key}),
                f"binding {key}",
            )


def deprovision(api_url: str, user: str, vhost: str = "/") -> None:
    """Remove the user and its limits (its stream stays for an operator to delete once the
    agency has read what it needs; retention bounds it meanwhile)."""
    with _client(api_url) as api:
        response = api.delete(f"/users/{quote(user, safe='')}")
        if response.status_code not in (204, 404):
            raise ProvisioningError(f"user: HTTP {response.status_code} {response.text[:300]}")
        # Agencies provisioned before streams had an operator policy over their queues.
        policy = f"/operator-policies/{quote(vhost, safe='')}/{quote(user, safe='')}"
        response = api.delete(policy)
        if response.status_code not in (204, 404):
            raise ProvisioningError(f"policy: HTTP {response.status_code} {response.text[:300]}")
