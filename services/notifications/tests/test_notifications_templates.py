"""Operators' templates under limits: what a template can build is bounded by the sandbox, how
long it runs by a worker process that is stopped on time; a rule set whose template fails on a
sample event is refused when published, naming the template; the service keeps answering."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from notifications_servers import scored

from chibo_testing.plugin import migrated
from chibo_testing.tokens import signed_client
from event_contracts import make_event, parse_envelope
from event_contracts.catalog import CATALOG
from notifications.dispatch.handlers import on_event
from notifications.main import MIGRATIONS, build_app
from notifications.rules.defaults import DEFAULT_RULES
from notifications.settings import NotificationsSettings
from notifications.templates.rendering import render, template_error
from notifications.templates.samples import sample_context
from notifications.templates.worker import RenderLimitExceeded, TemplateRenderer
from service_kit.errors import PermanentError
from service_kit.runtime import ServiceRuntime

ENDLESS = "{% for a in range(60000) %}{% for b in range(60000) %}{% endfor %}{% endfor %}"

REFUSED_AT_ONCE = [
    "{{ 9**999999 }}",
    "{{ (9**9**9)**(9**9) }}",
    "{{ 99999999999999999999 * 99999999999999999999 * (2**4000) }}",
    '{{ "x" * 99999999 }}',
    '{{ ["x"] * 99999999 }}',
    '{% set s = "x" * 60000 %}{{ s ~ s }}',
    '{% set s = "x" * 60000 %}{{ s + s }}',
    '{{ ("x" * 60000) | replace("x", "xx") }}',
    '{{ ["x" * 60000, "y" * 60000] | join }}',
    '{{ "%099999999d" % 1 }}',
    '{{ "{:099999999}".format(1) }}',
    '{{ "x".ljust(99999999) }}',
    '{{ "x".zfill(100) }}',  # methods outside the short list
    '{{ "x" | truncate(99999999) }}',
    "{{ range(99999999) | list }}",
    "{{ ().__class__.__base__ }}",
    "{{ cycler }}",
    "{{ lipsum(5) }}",
]


@pytest.mark.parametrize("source", REFUSED_AT_ONCE)
def test_what_a_template_builds_is_bounded(source: str) -> None:
    started = time.monotonic()
    assert template_error(source) is None, source  # compiling computes nothing
    with pytest.raises(Exception) as raised:
        render(source, "x", {})
    assert time.monotonic() - started < 0.5, source
    assert "Error" in type(raised.value).__name__, raised.value


@pytest.mark.parametrize(
    "source",
    [
        '{{ "x" | center(99999999) }}',  # filters that can grow past their input are not there
        '{{ "x" | indent(99999999) }}',
        '{{ "%99999999d" | format(1) }}',
        "{% include 'x' %}{{ " + "(" * 400 + "1" + ")" * 400 + " }}",
    ],
)
def test_compiling_a_hostile_template_fails_fast(source: str) -> None:
    started = time.monotonic()
    assert template_error(source) is not None
    assert time.monotonic() - started < 0.5


def test_ordinary_templates_still_render() -> None:
    context = {"n": 3, "items": [{"code": "C1", "p": 7.5}], "names": {"b": "Chi bộ Thôn 1"}}
    done = render(
        "{{ 'b' | ten }}: {{ n * 2 }} {{ 2 ** 10 }} {{ 'ab' * 3 }}",
        "{% for i in items %}{{ i.code | lower }} {{ i.p | so }}{{ loop.cycle('.', '!') }}"
        "{% endfor %} {{ items | map(attribute='code') | join(', ') }} {{ 'x y'.split() }}",
        context,
    )
    assert done.subject == "Chi bộ Thôn 1: 6 1024 ababab"
    assert done.body == "c1 7,5. C1 ['x', 'y']\n"


def test_every_event_type_has_a_sample_the_default_templates_render_on() -> None:
    for spec in CATALOG:
        assert sample_context(spec.routing_key)["event"]["type"] == spec.type
    for event_type, by_channel in DEFAULT_RULES.templates.items():
        for channel, template in by_channel.items():
            done = render(template.subject, template.body, sample_context(event_type))
            assert done.subject and done.body, (event_type, channel)


@pytest.fixture
async def renderer() -> AsyncIterator[TemplateRenderer]:
    pool = TemplateRenderer(timeout_seconds=0.5, max_output_bytes=1024, memory_bytes=256 * 1024**2)
    try:
        yield pool
    finally:
        pool.close()


async def test_an_endless_template_is_stopped_and_the_loop_keeps_answering(
    renderer: TemplateRenderer,
) -> None:
    assert (await renderer.render("{{ a }}", "{{ a | so }}", {"a": 7.5})).body == "7,5\n"
    gaps: list[float] = []

    async def tick() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.02)
            gaps.append(time.monotonic() - last)
            last = time.monotonic()

    ticker = asyncio.create_task(tick())
    started = time.monotonic()
    with pytest.raises(RenderLimitExceeded, match=r"longer than 0\.5 s"):
        await renderer.render(ENDLESS, "x", {})
    took = time.monotonic() - started
    ticker.cancel()
    assert 0.5 <= took < 2.0
    assert gaps and max(gaps) < 0.25  # the event loop was never held
    # A fresh worker takes over.
    assert (await renderer.render("ok", "{{ 1 + 1 }}", {})).body == "2\n"


async def test_output_and_memory_are_capped(renderer: TemplateRenderer) -> None:
    with pytest.raises(Exception, match="longer than 1024 bytes"):
        await renderer.render("x", "{% for i in range(100) %}{{ 'ô' * 20 }}{% endfor %}", {})
    with pytest.raises(Exception, match="undefined"):
        await renderer.render("{{ missing }}", "x", {})
    assert (await renderer.render("a", "b", {})).subject == "a"


def _with_template(document: dict[str, Any], body: str) -> dict[str, Any]:
    edited = {**document, "templates": dict(document["templates"])}
    key = "scoring.meeting.scored.v1"
    edited["templates"][key] = {**document["templates"][key]}
    edited["templates"][key]["email"] = {"subject": "Điểm", "body": body}
    return edited


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceRuntime]]:
    await (await migrated(db_url, MIGRATIONS)).dispose()
    settings = NotificationsSettings(
        database_url=db_url,
        amqp_url="amqp://guest:guest@127.0.0.1:1/",
        template_render_timeout_seconds=0.5,
    )
    app = build_app(settings)
    async with signed_client(app, "http://notifications") as client:
        yield client, app.state.runtime
    app.state.runtime.context.renderer.close()
    await app.state.runtime.db.dispose()


POINTER = "/templates/scoring.meeting.scored.v1/email/body"


async def test_a_rule_set_whose_template_fails_on_a_sample_is_refused(api: Any) -> None:
    client, _ = api
    document = (await client.get("/v1/rules")).json()["document"]
    for body, says in [
        (ENDLESS, "longer than 0.5 s"),
        ("{{ 9**9**9**9 * 9**9**9**9 * 9**9**9**9 }}", "too large"),
        ("{{ chi_bo }}", "'chi_bo' is undefined"),
        ("{{ total_points | ngay }}", "not a date"),
    ]:
        started = time.monotonic()
        r = await client.post(
            "/v1/rules/versions", json={**_with_template(document, body), "based_on_version": 0}
        )
        assert time.monotonic() - started < 3
        assert r.status_code == 422, r.text
        (error,) = r.json()["errors"]
        assert error["pointer"] == POINTER and says in error["detail"], error
        assert (await client.get("/healthz/live")).status_code == 200
    r = await client.post(
        "/v1/rules/versions",
        json={**_with_template(document, "{% if %}"), "based_on_version": 0},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == POINTER, r.text
    assert [v["version"] for v in (await client.get("/v1/rules/versions")).json()] == [0]


async def test_a_template_that_runs_out_of_time_on_an_event_fails_it_with_the_reason(
    api: Any,
) -> None:
    """Fine on the sample (7.5 points), endless on a real score of 60000: the event goes to the
    DLQ (a permanent failure, replayable once the rule set is fixed) with the reason."""
    client, runtime = api
    document = (await client.get("/v1/rules")).json()["document"]
    heavy = (
        "{% for a in range(total_points | int) %}{% for b in range(total_points | int) %}"
        "{% endfor %}{% endfor %}Điểm {{ total_points | so }}"
    )
    r = await client.post(
        "/v1/rules/versions", json={**_with_template(document, heavy), "based_on_version": 0}
    )
    assert r.status_code == 201, r.text
    event = make_event(scored(total_points=60000, max_points=60000), source="/s", subject="m")
    _, data = parse_envelope(event.to_json())
    with pytest.raises(PermanentError, match=r"email of rule set v1 fails: .*longer than 0\.5 s"):
        async with runtime.uow(causation=event) as uow:
            await on_event(runtime.context, uow, event, data)
    assert (await client.get("/healthz/live")).status_code == 200
