"""Who may do what in meetings: every route's permission and what each access role gives.

Beside `scope.py` (where a resource lies); `service_kit.web.access` checks both on every call.
Request actions belong to a side: the raising branch's officers (`request.branch_act`) or the
addressee's officers (`request.respond`); the route needs either, the handler checks the side.
"""

from __future__ import annotations

from service_kit.grants import AccessRole as R
from service_kit.web.permissions import Permission, permissions

CATALOG = [
    Permission("meeting.read", "xem biên bản sinh hoạt, bản nháp và lịch sử sửa", write=False),
    Permission("meeting.write", "ghi, sửa biên bản sinh hoạt và bản nháp", write=True),
    Permission("observer_report.read", "xem báo cáo dự sinh hoạt", write=False),
    Permission("observer_report.file", "gửi báo cáo dự sinh hoạt (người được phân công)", True),
    Permission("request.read", "xem kiến nghị và tiến trình giải quyết", write=False),
    Permission("request.act", "thao tác trên kiến nghị (theo bên của mình)", write=True),
    Permission("request.branch_act", "bên chi bộ: nêu lại, rút, xác nhận kết quả", write=True),
    Permission("request.respond", "bên được kiến nghị: tiếp nhận, trả lời, chuyển, từ chối", True),
]

ROUTES = {
    "POST /v1/meeting-drafts": "meeting.write",
    "GET /v1/meeting-drafts/{draft_id}": "meeting.read",
    "PUT /v1/meeting-drafts/{draft_id}": "meeting.write",
    "POST /v1/meeting-drafts/{draft_id}/submission": "meeting.write",
    "GET /v1/branches/{branch_id}/next-meeting": "meeting.read",
    "POST /v1/meetings": "meeting.write",
    "GET /v1/meetings/{meeting_id}": "meeting.read",
    "GET /v1/meetings": "meeting.read",
    "POST /v1/meetings/{meeting_id}/amendments": "meeting.write",
    "GET /v1/meetings/{meeting_id}/revisions": "meeting.read",
    "POST /v1/meetings/{meeting_id}/observer-reports": "observer_report.file",
    "GET /v1/observer-reports": "observer_report.read",
    "GET /v1/requests": "request.read",
    "GET /v1/requests/summary": "request.read",
    "GET /v1/requests/grouped": "request.read",
    "GET /v1/requests/consolidation": "request.read",
    "GET /v1/observers/{member_id}/duty": "observer_report.read",
    "GET /v1/requests/{request_id}": "request.read",
    "POST /v1/requests/{request_id}/actions": "request.act",
    # What the sweeps would do as of a day: the subtree's requests and months, read only.
    "GET /v1/organisations/{organisation_id}/escalation-dry-run": "request.read",
}

READ = ["meeting.read", "observer_report.read", "request.read"]
BRANCH_OFFICER = [*READ, "meeting.write", "request.act", "request.branch_act"]
ADDRESSEE = [*READ, "request.act", "request.respond"]

PERMISSIONS = permissions(
    CATALOG,
    ROUTES,
    {
        R.PROVINCE_ADMIN: ADDRESSEE,
        # The committee's office keeps the records of the branches it looks after.
        R.OFFICER: [*ADDRESSEE, "meeting.write"],
        R.COMMITTEE: ADDRESSEE,
        R.SECRETARY: BRANCH_OFFICER,
        R.DEPUTY_SECRETARY: BRANCH_OFFICER,
        R.BRANCH_COMMITTEE: READ,
        R.MEMBER: ["meeting.read", "request.read"],
        R.OBSERVER: [*READ, "observer_report.file"],
        R.READER: READ,
        R.SERVICE: READ,
        R.AGENCY: [],
    },
)
