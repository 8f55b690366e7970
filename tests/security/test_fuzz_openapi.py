"""Property-based fuzzing of each service's OpenAPI document (schemathesis), against real processes
with a valid province administrator's token: whatever the generated request, no 5xx, and every
response whose status the document declares matches its schema.

The stack is this module's own (the random writes stay out of the other attacks' province). Each
operation gets `EXAMPLES` examples (`CHIBO_FUZZ_EXAMPLES`: more on demand; `make test` runs a short
form), valid ones and, for a third of them, requests that break the schema (negative data must be
refused with a 4xx, never a 5xx).
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from chibo_stack import sign_in, stack
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from chibo_testing.servers import get_broker
from service_kit.processes import ServiceProcess

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.xdist_group("fuzz")]

EXAMPLES = int(os.environ.get("CHIBO_FUZZ_EXAMPLES", "8"))
SERVICES = ("registry", "meetings", "scoring", "notifications")
# Routes whose effect would end the run rather than test it (a new signing key every example
# would only make the admin's token the previous key's), fuzzed without a body of consequence.
SPARED = {"POST /v1/auth/keys/rotate"}


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ServiceProcess]]:
    broker = get_broker()
    vhost = f"fuzz-{uuid.uuid4().hex[:10]}"
    amqp_url = broker.new_vhost(vhost)
    try:
        with stack(amqp_url, Path(tmp_path_factory.mktemp("fuzz-stack"))) as procs:
            yield procs
    finally:
        broker.delete_vhost(vhost)


def _examples(
    proc: ServiceProcess,
    headers: dict[str, str],
    operation: Any,
    mode: GenerationMode,
    examples: int,
    failures: list[str],
) -> int:
    """Run `examples` generated requests of one operation; failures are collected, not raised."""
    calls = 0

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        nonlocal calls
        calls += 1
        try:
            case.call_and_validate(
                base_url=proc.url,
                headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                checks=[not_a_server_error, response_schema_conformance],
                timeout=15,
            )
        except Exception as exc:
            failures.append(f"{operation.label} [{mode.value}]: {str(exc)[:600]}")

    try:
        run()
    except Unsatisfiable:
        # Nothing to break (no parameters, no body): only valid requests exist.
        assert mode is GenerationMode.NEGATIVE, operation.label
    return calls


def _fuzz(proc: ServiceProcess, headers: dict[str, str]) -> tuple[int, list[str]]:
    document = httpx.get(f"{proc.url}/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in SPARED:
            continue
        for mode, share in ((GenerationMode.POSITIVE, 2), (GenerationMode.NEGATIVE, 1)):
            examples = max(1, EXAMPLES * share // 3)
            calls += _examples(proc, headers, operation, mode, examples, failures)
    return calls, failures


@pytest.mark.parametrize("service", SERVICES)
def test_no_5xx_and_responses_match_the_document(
    fuzz_stack: dict[str, ServiceProcess], service: str
) -> None:
    headers = sign_in(fuzz_stack)
    calls, failures = _fuzz(fuzz_stack[service], headers)
    print(f"\n{service}: {calls} generated requests, {len(failures)} failures")
    assert calls > 0
    assert not failures, "\n".join(failures[:15])
