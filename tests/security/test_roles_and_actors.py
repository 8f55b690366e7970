"""Who may do what, attacked through the real processes: each test is one attack an account of
the province could try, and what it must get (issue #11)."""

from __future__ import annotations

import time
import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from conftest import BRANCH_C, OTHER_COMMUNE, Province
from province import BRANCH_A, BRANCH_B, COMMUNE, last_month, meeting_body

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.xdist_group("security")]


def call(
    p: Province, service: str, method: str, path: str, headers: dict[str, str], **kw: Any
) -> httpx.Response:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    return httpx.request(
        method, p.url(service) + path, headers={**headers, **key}, timeout=15, **kw
    )


def problem_code(r: httpx.Response) -> str:
    assert r.headers["content-type"].startswith("application/problem+json"), r.text
    return str(r.json().get("code"))


def a_request(p: Province, code: str, headers: dict[str, str]) -> dict[str, Any]:
    r = call(p, "meetings", "GET", f"/v1/requests?branch_id={p.id(code)}", headers)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    assert items, f"no request raised by {code}"
    return items[0]


def a_meeting(p: Province, code: str) -> dict[str, Any]:
    r = call(p, "meetings", "GET", f"/v1/meetings?branch_id={p.id(code)}", p.admin)
    assert r.status_code == 200 and r.json()["items"], r.text
    return dict(r.json()["items"][0])


def test_readers_and_agencies_never_write(province: Province) -> None:
    p = province
    for who, headers in (("docgia", p.headers_of("docgia")), ("agency", p.agency_headers())):
        writes = [
            (
                "registry",
                "POST",
                "/v1/members/" + p.world.members[BRANCH_A][0]["member_id"] + "/status",
                {"status": "suspended", "on": str(date.today())},
            ),
            (
                "registry",
                "POST",
                "/v1/organisations",
                {
                    "code": "X",
                    "name": "X",
                    "kind": "grassroots_branch",
                    "parent_id": p.id(COMMUNE),
                    "valid_from": "2020-01-01",
                },
            ),
            (
                "meetings",
                "POST",
                "/v1/meetings",
                meeting_body(p.id(BRANCH_A), p.world.members[BRANCH_A], date.today(), []),
            ),
            (
                "meetings",
                "POST",
                f"/v1/meetings/{a_meeting(p, BRANCH_A)['id']}/amendments",
                {"reason": "Sửa", "record": {}},
            ),
            ("notifications", "POST", "/v1/rules/versions", {"rules": []}),
            ("registry", "POST", "/v1/imports/organisations", None),
        ]
        for service, method, path, body in writes:
            r = call(p, service, method, path, headers, json=body)
            assert r.status_code == 403, f"{who} {method} {service}{path}: {r.text}"
            assert problem_code(r) == "forbidden"
        # … and still read what they may.
        r = call(p, "registry", "GET", f"/v1/organisations/{p.id(COMMUNE)}", headers)
        assert r.status_code == 200, f"{who}: {r.text}"


def test_a_branch_cannot_file_an_observer_report_for_itself(province: Province) -> None:
    p = province
    meeting = a_meeting(p, BRANCH_A)
    path = f"/v1/meetings/{meeting['id']}/observer-reports"
    body = {"attended": True, "scores": {"C5": 5}, "comments": "Rất tốt"}
    r = call(p, "meetings", "POST", path, p.headers_of("bithu.a"), json=body)
    assert r.status_code == 403, r.text
    # Naming the observer in the body is no way round: the field does not exist.
    committee = p.world.members[BRANCH_B][0]["member_id"]
    r = call(
        p,
        "meetings",
        "POST",
        path,
        p.headers_of("bithu.a"),
        json={**body, "observer_member_id": committee},
    )
    assert r.status_code in (403, 422), r.text
    # The assigned observer files it, as themself.
    r = call(p, "meetings", "POST", path, p.headers_of("quansat"), json=body)
    assert r.status_code == 201, r.text
    assert r.json()["observer_member_id"] == committee


def test_a_branch_cannot_answer_its_own_request(province: Province) -> None:
    p = province
    raised = a_request(p, BRANCH_A, p.admin)  # raised by A, owed by the commune
    path = f"/v1/requests/{raised['id']}/actions"
    for action in ("acknowledge", "answer"):
        body = {"action": action, "text": "Đã giải quyết xong."}
        r = call(p, "meetings", "POST", path, p.headers_of("bithu.a"), json=body)
        assert r.status_code == 403, f"{action}: {r.text}"
    # The commune's office, which owes the answer, acknowledges.
    r = call(p, "meetings", "POST", path, p.headers_of("vanphong"), json={"action": "acknowledge"})
    assert r.status_code == 200, r.text


def test_a_draft_cannot_be_retargeted(province: Province) -> None:
    p = province
    a = p.headers_of("bithu.a")
    r = call(
        p,
        "meetings",
        "POST",
        "/v1/meeting-drafts",
        a,
        json={"branch_id": p.id(BRANCH_A), "body": {}},
    )
    assert r.status_code == 201, r.text
    draft = r.json()
    moved = {"branch_id": p.id(BRANCH_B), "body": {}}
    r = call(
        p,
        "meetings",
        "PUT",
        f"/v1/meeting-drafts/{draft['id']}",
        {**a, "If-Match": f'"{draft["version"]}"'},
        json=moved,
    )
    assert r.status_code in (403, 422), r.text
    inside = {"branch_id": p.id(BRANCH_A), "body": {"branch_id": p.id(BRANCH_B)}}
    r = call(
        p,
        "meetings",
        "PUT",
        f"/v1/meeting-drafts/{draft['id']}",
        {**a, "If-Match": f'"{draft["version"]}"'},
        json=inside,
    )
    assert r.status_code == 422, r.text
    r = call(p, "meetings", "GET", f"/v1/meeting-drafts/{draft['id']}", a)
    assert r.json()["branch_id"] == p.id(BRANCH_A)


def test_a_branch_cannot_re_raise_another_communes_request(province: Province) -> None:
    p = province
    theirs = a_request(p, BRANCH_C, p.admin)
    assert theirs["branch_id"] == p.id(BRANCH_C)
    body = meeting_body(
        p.id(BRANCH_A),
        p.world.members[BRANCH_A],
        last_month(20, date.today()),
        [
            {
                "subject": "Nêu lại",
                "text": "Nêu lại kiến nghị chưa được trả lời.",
                "addressee_id": p.id(COMMUNE),
                "re_raises_request_id": theirs["id"],
            }
        ],
    )
    body["previous_action_item_reports"] = [
        {"title": item["title"], "status": "done_on_time"} for item in body["action_items"]
    ]  # last month's tasks (province.meeting_body's), so only the re-raise is at fault
    r = call(p, "meetings", "POST", "/v1/meetings", p.headers_of("bithu.a"), json=body)
    assert r.status_code in (403, 422), r.text
    if r.status_code == 422:
        pointers = [e["pointer"] for e in r.json()["errors"]]
        assert "/requests_raised/0/re_raises_request_id" in pointers, r.text
    after = call(p, "meetings", "GET", f"/v1/requests/{theirs['id']}", p.admin).json()
    assert after["status"] == theirs["status"] and after.get("level") == theirs.get("level")


@pytest.mark.parametrize("year", ["2026.0", "+2026", " 2026", "2026 ", "0x7ea", "２０２６"])
def test_classification_years_that_are_not_years(province: Province, year: str) -> None:
    p = province
    b = p.headers_of("bithu.b")
    path = f"/v1/classifications/{year}/branch/{p.id(BRANCH_A)}"
    r = call(p, "scoring", "GET", path, b)
    assert r.status_code in (403, 404, 422), f"{year!r}: {r.status_code} {r.text}"
    decision = f"/v1/classifications/{year}/branch/{p.id(BRANCH_B)}/decision"
    r = call(p, "scoring", "POST", decision, b, json={"grade": "excellent", "reason": "x"})
    assert r.status_code in (403, 404, 422), f"{year!r}: {r.status_code} {r.text}"


def test_a_branch_cannot_redirect_its_observers_mail(province: Province) -> None:
    p = province
    body = {
        "address": f"observers:{p.id(BRANCH_A)}",
        "channel": "email",
        "target": "bithu.a@example.vn",
    }
    r = call(p, "notifications", "POST", "/v1/contact-points", p.headers_of("bithu.a"), json=body)
    assert r.status_code == 403, r.text
    r = call(p, "notifications", "POST", "/v1/contact-points", p.headers_of("vanphong"), json=body)
    assert r.status_code == 201, r.text


def test_a_token_for_one_service_is_refused_by_another(province: Province) -> None:
    p = province
    form = {
        "grant_type": "password",
        "username": "bithu.a",
        "password": "Thu-nghiem-2026",
        "audience": "scoring",
    }
    r = httpx.post(f"{p.url('registry')}/v1/auth/token", data=form, timeout=10)
    assert r.status_code == 200, r.text
    scoring_only = {"Authorization": f"Bearer {r.json()['access_token']}"}
    r = call(p, "scoring", "GET", f"/v1/branches/{p.id(BRANCH_A)}/rollups", scoring_only)
    assert r.status_code != 401, r.text
    r = call(p, "meetings", "GET", f"/v1/meetings?branch_id={p.id(BRANCH_A)}", scoring_only)
    assert r.status_code == 401, r.text
    r = call(p, "registry", "GET", "/v1/auth/me", p.agency_headers(audience="notifications"))
    assert r.status_code == 401, r.text


def test_a_disabled_users_token_stops_within_a_minute(province: Province) -> None:
    p = province
    old = p.headers_of("bithu.b")
    me = call(p, "registry", "GET", "/v1/auth/me", old).json()
    listed = f"/v1/meetings?branch_id={p.id(BRANCH_B)}"
    assert call(p, "meetings", "GET", listed, old).status_code == 200
    r = call(
        p,
        "registry",
        "POST",
        f"/v1/users/{me['subject'].removeprefix('user:')}/status",
        p.admin,
        json={"disabled": True, "reason": "Nghỉ công tác"},
    )
    assert r.status_code == 200, r.text
    try:
        started, refused = time.monotonic(), False
        while time.monotonic() - started < 75:
            if call(p, "meetings", "GET", listed, old).status_code == 401:
                refused = True
                break
            time.sleep(1)
        waited = time.monotonic() - started
        assert refused, "a disabled user's token still works after 75 s"
        assert waited <= 65, f"refused only after {waited:.0f} s"
        # Signing in again is refused too.
        form = {"grant_type": "password", "username": "bithu.b", "password": "Thu-nghiem-2026"}
        assert httpx.post(f"{p.url('registry')}/v1/auth/token", data=form).status_code in (
            400,
            401,
            403,
        )
    finally:
        call(
            p,
            "registry",
            "POST",
            f"/v1/users/{me['subject'].removeprefix('user:')}/status",
            p.admin,
            json={"disabled": False, "reason": "Trở lại công tác"},
        )


CITIZEN_ID, PHONE = "001086012345", "0912 345 678"


@pytest.fixture(scope="module")
def private_member(province: Province) -> str:
    """A member of branch A with a citizen id, date of birth, phone and e-mail on record."""
    p = province
    r = call(
        p,
        "registry",
        "POST",
        "/v1/members",
        p.admin,
        json={
            "full_name": "Cao Thị Riêng",
            "branch_id": p.id(BRANCH_A),
            "status": "full",
            "admitted_on": "2020-02-03",
            "full_member_on": "2021-02-03",
            "date_of_birth": "1986-04-05",
            "phone": PHONE,
            "email": "cao.rieng@example.vn",
            "citizen_id": CITIZEN_ID,
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("admin", "shown"),
        ("bithu.a", "shown"),  # the branch's secretary
        ("vanphong", "shown"),  # the commune's office, above the branch
        ("quansat", "shown"),  # a member of the commune committee (and A's observer)
        ("dangvien", "masked"),  # a neighbour in the branch
        ("docgia", "masked"),  # read-only
        ("bithu.b", 403),  # another branch
        ("bithu.c", 403),  # another commune
        ("agency", 403),  # agencies never read members
    ],
)
def test_personal_fields_as_each_role_sees_them(
    province: Province, private_member: str, who: str, sees: str | int
) -> None:
    p = province
    headers = {
        "admin": p.admin,
        "agency": p.agency_headers() if who == "agency" else {},
    }.get(who) or p.headers_of(who)
    r = call(p, "registry", "GET", f"/v1/members/{private_member}", headers)
    if isinstance(sees, int):
        assert r.status_code == sees, r.text
        assert CITIZEN_ID not in r.text
        return
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["personal_data"] == sees
    if sees == "shown":
        assert body["citizen_id"] == CITIZEN_ID and body["phone"] == PHONE
    else:
        assert CITIZEN_ID not in r.text and "0912" not in r.text and "1986" not in r.text


def test_personal_data_stays_out_of_logs_and_events(
    province: Province, private_member: str
) -> None:
    p = province
    # Reads that unmask were made above (and a fresh one here); none may reach a log.
    assert call(p, "registry", "GET", f"/v1/members/{private_member}", p.admin).status_code == 200
    for service in ("registry", "meetings", "scoring", "notifications"):
        assert CITIZEN_ID not in p.log(service), f"{service}'s log holds a citizen id"
    # The unmasked read is in the audit trail, with who read it.
    r = call(p, "registry", "GET", "/v1/audit-entries?limit=200", p.admin)
    assert r.status_code == 200, r.text
    reads = [
        e
        for e in r.json()["items"]
        if e.get("entity_id") == private_member and "read" in e.get("action", "")
    ]
    assert reads, r.text[:500]


def test_a_superior_sees_a_branch_c_request_only_from_its_own_commune(province: Province) -> None:
    p = province
    theirs = a_request(p, BRANCH_C, p.admin)
    r = call(p, "meetings", "GET", f"/v1/requests/{theirs['id']}", p.headers_of("vanphong"))
    assert r.status_code == 403, r.text
    r = call(
        p,
        "meetings",
        "GET",
        f"/v1/requests?organisation_id={p.id(OTHER_COMMUNE)}",
        p.headers_of("vanphong"),
    )
    assert r.status_code == 403, r.text
