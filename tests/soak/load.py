"""The soak test's steady load: meeting submissions, amendments, observer reports and request
actions, through the load balancer, each retried with the same Idempotency-Key (or If-Match)
until it has a definite answer. Every answer is recorded with its time, for the ledger."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

STEPS = ["purpose_and_guests", "attendance_announced", "agenda_approved", "vote"]


@dataclass
class Answer:
    op: str
    status: int
    at: float


@dataclass
class Record:
    """What the clients were told was accepted: the ledger's expectations."""

    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> key, branch, version
    reports: dict[str, str] = field(default_factory=dict)  # meeting id -> observer member id
    actions: list[tuple[str, str]] = field(default_factory=list)  # (request id, action)
    requests_raised: int = 0
    answers: list[Answer] = field(default_factory=list)
    transport_errors: list[tuple[str, float, str]] = field(default_factory=list)
    refused: list[tuple[str, int, str]] = field(default_factory=list)  # 4xx that should not be
    accepted_at: dict[str, float] = field(default_factory=dict)  # meeting id -> first 201
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, op: str, status: int) -> None:
        with self.lock:
            self.answers.append(Answer(op, status, time.monotonic()))


class Api:
    """One worker's HTTP client: signs in again on 401, retries 5xx and transport errors."""

    def __init__(self, urls: dict[str, str], login: tuple[str, str], record: Record) -> None:
        self.urls, self.login, self.record = urls, login, record
        self.http = httpx.Client(timeout=30)
        self.sign_in()

    def sign_in(self) -> None:
        deadline = time.monotonic() + 120
        while True:
            try:
                r = self.http.post(
                    f"{self.urls['registry']}/v1/auth/token",
                    json={
                        "grant_type": "password",
                        "username": self.login[0],
                        "password": self.login[1],
                    },
                )
                if r.status_code == 200:
                    self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
                    return
                self.record.answer("sign-in", r.status_code)
            except httpx.TransportError as exc:
                self.record.transport_errors.append(("sign-in", time.monotonic(), repr(exc)))
            if time.monotonic() > deadline:
                raise RuntimeError("cannot sign in")
            time.sleep(0.5)

    def call(
        self,
        op: str,
        method: str,
        url: str,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """The first answer that is not a 5xx, a 401 or a transport error (bounded: 3 min)."""
        deadline = time.monotonic() + 180
        while True:
            try:
                r = self.http.request(method, url, json=json, headers=headers, params=params)
            except httpx.TransportError as exc:
                self.record.transport_errors.append((op, time.monotonic(), repr(exc)[:200]))
            else:
                self.record.answer(op, r.status_code)
                if r.status_code == 401:
                    self.sign_in()
                elif r.status_code < 500:
                    return r
            if time.monotonic() > deadline:
                raise RuntimeError(f"{op} {url}: no definite answer in 3 minutes")
            time.sleep(0.5)

    def all(self, url: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        for _ in range(1000):
            page = self.call(
                "list",
                "GET",
                url,
                params={**(params or {}), "limit": 200} | ({"cursor": cursor} if cursor else {}),
            )
            page.raise_for_status()
            items += page.json()["items"]
            cursor = page.json()["next_cursor"]
            if not cursor:
                break
        return items


@dataclass
class Branch:
    id: str
    commune_id: str
    observer: tuple[str, str] | None  # the assigned observer's username and password
    rosters: dict[date, list[dict[str, Any]]] = field(default_factory=dict)
    next_day: date = date(2026, 1, 1)


class Worker(threading.Thread):
    """Submits meetings for its own branches in date order (scoring's absence runs read the
    year's rolls, so a late-arriving early meeting would rescore every later one), amends one
    in four, files observer reports on one in three, acts on half of the requests it raised."""

    def __init__(
        self,
        index: int,
        api: Api,
        branches: list[Branch],
        record: Record,
        *,
        run: str,
        stop_at: float,
        interval: float,
        actions_until: threading.Event,
        faults_done: threading.Event,
    ) -> None:
        super().__init__(name=f"soak-worker-{index}", daemon=True)
        self.index, self.api, self.branches, self.record = index, api, branches, record
        self.run_id, self.stop_at, self.interval = run, stop_at, interval
        self.clock_moved = actions_until
        self.faults_done = faults_done
        self.mine: list[dict[str, Any]] = []  # this worker's accepted meetings
        self.observers: dict[tuple[str, str], Api] = {}  # each observer's own client
        self.failure: BaseException | None = None
        self.count = 0

    def run(self) -> None:
        try:
            n = 0
            # The load outlasts the faults (a slow restart must not leave a fault unloaded), by
            # 15 s, and never runs past twice its planned time.
            hard_stop = self.stop_at + (self.stop_at - time.monotonic())
            tail_until: float | None = None
            while n < 100_000 and time.monotonic() < hard_stop:
                if time.monotonic() >= self.stop_at and self.faults_done.is_set():
                    tail_until = tail_until or time.monotonic() + 15
                    if time.monotonic() >= tail_until:
                        break
                started = time.monotonic()
                n += 1
                self.step(n)
                time.sleep(max(0.0, self.interval - (time.monotonic() - started)))
            self.count = n
        except BaseException as exc:
            self.failure = exc

    def roster(self, branch: Branch, on: date) -> list[dict[str, Any]]:
        if on not in branch.rosters:
            branch.rosters[on] = self.api.all(
                f"{self.api.urls['registry']}/v1/organisations/{branch.id}/roster",
                {"on": on.isoformat()},
            )
        return branch.rosters[on]

    def body(self, branch: Branch, held: date, n: int, place: str) -> dict[str, Any]:
        roll = []
        for i, m in enumerate(self.roster(branch, held)):
            entry: dict[str, Any] = {
                "member_id": m["member_id"],
                "attendance": "present",
                "probationary": m["status"] == "probationary",
            }
            if m["status"] == "exempt":
                entry["attendance"] = "exempt"
            elif i == 1 and n % 2:
                entry.update(attendance="excused", reason="Đi làm ăn xa")
            roll.append(entry)
        present = [e["member_id"] for e in roll if e["attendance"] == "present"]
        raised = (
            [
                {
                    "subject": f"Kiến nghị {place}",
                    "text": "Đề nghị xã hỗ trợ sửa đường liên thôn.",
                    "addressee_id": branch.commune_id,
                }
            ]
            if n % 3 == 0
            else []
        )
        return {
            "branch_id": branch.id,
            # One regular meeting per branch and month (#19): the branch's first meeting of
            # the month (its days run on from the 1st), the rest of the load thematic ones.
            "meeting_type": "regular" if held.day == 1 else "thematic",
            "held_on": held.isoformat(),
            "started_at": f"{held}T19:30:00+07:00",
            "ended_at": f"{held}T21:00:00+07:00",
            "place": place,
            "roll": roll,
            "speaker_ids": present[:3],
            "agenda_steps_completed": STEPS,
            "previous_action_items_total": 2,
            "previous_action_items_done_on_time": 1 + n % 2,
            "resolution_voted": True,
            "self_score": {"C5": 3 + n % 2},
            "action_items": [],
            "requests_raised": raised,
        }

    def step(self, n: int) -> None:
        urls = self.api.urls
        branch = self.branches[n % len(self.branches)]
        held, branch.next_day = branch.next_day, branch.next_day + timedelta(days=1)
        key = f"soak-{self.run_id}-{self.index}-{n}"
        body = self.body(branch, held, n, key)
        r = self.api.call(
            "submit",
            "POST",
            f"{urls['meetings']}/v1/meetings",
            json=body,
            headers={"Idempotency-Key": key},
        )
        if r.status_code != 201:
            self.record.refused.append(("submit", r.status_code, r.text[:300]))
            return
        meeting = {
            "id": r.json()["id"],
            "key": key,
            "branch": branch,
            "version": 1,
            "body": body,
            "requests": bool(body["requests_raised"]),
        }
        with self.record.lock:
            self.record.meetings[meeting["id"]] = {"key": key, "branch_id": branch.id, "version": 1}
            self.record.accepted_at.setdefault(meeting["id"], time.monotonic())
            self.record.requests_raised += len(body["requests_raised"])
        self.mine.append(meeting)
        if n % 4 == 0 and len(self.mine) > 1:
            self.amend(self.mine[-2])
        if n % 3 == 1 and branch.observer:
            self.report(meeting, branch.observer)
        if meeting["requests"] and n % 2 == 0 and not self.clock_moved.is_set():
            self.act_on_requests(meeting, answer=n % 4 == 0)

    def amend(self, meeting: dict[str, Any]) -> None:
        version = meeting["version"] + 1
        record = {**meeting["body"], "place": f"{meeting['key']} (sửa lần {version - 1})"}
        r = self.api.call(
            "amend",
            "POST",
            f"{self.api.urls['meetings']}/v1/meetings/{meeting['id']}/amendments",
            json={"reason": "Bổ sung biên bản", "record": record},
            headers={"Idempotency-Key": f"{meeting['key']}-v{version}"},
        )
        if r.status_code != 201:
            self.record.refused.append(("amend", r.status_code, r.text[:300]))
            return
        meeting["version"], meeting["body"] = r.json()["version"], record
        with self.record.lock:
            self.record.meetings[meeting["id"]]["version"] = meeting["version"]

    def report(self, meeting: dict[str, Any], observer: tuple[str, str]) -> None:
        """Filed by the observer, signed in as themself (the report's author is the token's)."""
        if observer not in self.observers:
            self.observers[observer] = Api(self.api.urls, observer, self.record)
        r = self.observers[observer].call(
            "report",
            "POST",
            f"{self.api.urls['meetings']}/v1/meetings/{meeting['id']}/observer-reports",
            json={
                "attended": True,
                "scores": {"C5": 4},
                "comments": "Sinh hoạt nghiêm túc.",
            },
            headers={"Idempotency-Key": f"{meeting['key']}-report"},
        )
        if r.status_code == 201:
            with self.record.lock:
                self.record.reports[meeting["id"]] = r.json()["observer_member_id"]
        else:
            self.record.refused.append(("report", r.status_code, r.text[:300]))

    def act_on_requests(self, meeting: dict[str, Any], *, answer: bool) -> None:
        urls = self.api.urls
        found = self.api.call(
            "requests",
            "GET",
            f"{urls['meetings']}/v1/requests",
            params={"branch_id": meeting["branch"].id, "status": "submitted", "limit": 200},
        )
        for req in found.json().get("items", []):
            if req.get("meeting_id") != meeting["id"]:
                continue
            steps = ["acknowledge", "answer"] if answer else ["acknowledge"]
            for action in steps:
                if not self.act(req["id"], action):
                    break

    def act(self, request_id: str, action: str) -> bool:
        url = f"{self.api.urls['meetings']}/v1/requests/{request_id}"
        target = {"acknowledge": "acknowledged", "answer": "answered"}[action]
        current = self.api.call("request", "GET", url)
        version = current.headers.get("ETag", "")
        body: dict[str, Any] = {"action": action}
        if action == "answer":
            body["text"] = "Xã đã bố trí kinh phí sửa đường."
        r = self.api.call(
            "action", "POST", f"{url}/actions", json=body, headers={"If-Match": version}
        )
        if r.status_code == 412:
            # An earlier attempt (cut off by a fault) may have been applied: look.
            r = self.api.call("request", "GET", url)
            if r.json().get("status") != target:
                self.record.refused.append(("action", 412, r.text[:300]))
                return False
        elif r.status_code != 200:
            self.record.refused.append(("action", r.status_code, r.text[:300]))
            return False
        with self.record.lock:
            self.record.actions.append((request_id, action))
        return True
