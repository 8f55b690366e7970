"""Import jobs of the administrator's page: the file is checked (dry run), then written, in
the background; the page polls the job for its phase and shows the per-row report. Jobs live
in this process's memory (UI state, not data): a restart forgets the page, never the import."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from typing import Any

from portal.clients.base import ApiProblem, ServiceDown
from portal.clients.registry import RegistryApi

KEEP = 50


@dataclass
class ImportJob:
    id: str
    owner: str
    kind: str
    filename: str
    size: int
    check_only: bool
    phase: str = "Đã nhận tệp"
    percent: int = 10
    done: bool = False
    written: bool = False
    report: dict[str, Any] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""


class ImportJobs:
    def __init__(self) -> None:
        self.jobs: dict[str, ImportJob] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    def get(self, job_id: str, owner: str) -> ImportJob | None:
        job = self.jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def start(
        self,
        api: RegistryApi,
        owner: str,
        kind: str,
        filename: str,
        data: bytes,
        media_type: str,
        check_only: bool,
    ) -> ImportJob:
        job = ImportJob(secrets.token_urlsafe(12), owner, kind, filename, len(data), check_only)
        self.jobs[job.id] = job
        while len(self.jobs) > KEEP:
            self.jobs.pop(next(iter(self.jobs)))
        task = asyncio.create_task(self._run(api, job, data, media_type))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return job

    async def _run(self, api: RegistryApi, job: ImportJob, data: bytes, media_type: str) -> None:
        try:
            job.phase, job.percent = "Đang kiểm tra từng dòng", 30
            status, body = await api.import_file(job.kind, data, media_type, dry_run=True)
            job.report = body.get("report", body)
            if status == 422:
                job.rows = body.get("errors", [])
                job.phase, job.percent, job.done = "Tệp có dòng lỗi: chưa ghi gì", 100, True
                return
            if job.check_only:
                job.phase, job.percent, job.done = "Đã kiểm tra xong: tệp hợp lệ", 100, True
                return
            job.phase, job.percent = "Đang ghi vào hệ thống", 65
            status, body = await api.import_file(job.kind, data, media_type, dry_run=False)
            job.report = body.get("report", body)
            job.rows = body.get("errors", []) if status == 422 else []
            job.written = bool(job.report.get("written"))
            job.phase = "Đã ghi xong" if job.written else "Không ghi được"
            job.percent, job.done = 100, True
        except (ApiProblem, ServiceDown) as exc:
            job.error = str(getattr(exc, "detail", exc))
            job.phase, job.percent, job.done = "Không thực hiện được", 100, True
        except Exception as exc:  # the page must learn the job ended, whatever happened
            job.error = type(exc).__name__
            job.phase, job.percent, job.done = "Lỗi hệ thống", 100, True
