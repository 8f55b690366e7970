"""Who may do what in scoring: every route's permission and what each access role gives.

Beside `scope.py` (where a resource lies); `service_kit.web.access` checks both on every call.
Confirming a score and deciding a classification are acts of the superior committee: the route
also needs the organisation to lie strictly under the caller's grant (`access.superior`).
"""

from __future__ import annotations

from service_kit.grants import AccessRole as R
from service_kit.web.permissions import Permission, permissions

CATALOG = [
    Permission("score.read", "xem điểm, tổng hợp theo kỳ, báo cáo và xếp hạng", write=False),
    Permission("score.confirm", "cấp ủy cấp trên xác nhận điểm buổi sinh hoạt", write=True),
    Permission("compliance.read", "xem cảnh báo tuân thủ (có thể nêu tên đảng viên)", False),
    Permission("ranking.publish", "công bố xếp hạng các chi bộ trực thuộc", write=True),
    Permission("classification.read", "xem đề xuất và quyết định xếp loại", write=False),
    Permission("classification.propose", "lập đề xuất xếp loại cuối năm", write=True),
    Permission("classification.decide", "cấp ủy cấp trên quyết định xếp loại", write=True),
    Permission("rescoring.read", "xem các đợt chấm lại", write=False),
    Permission("rescoring.run", "mở đợt chấm lại theo bảng điểm khác", write=True),
]

ROUTES = {
    "POST /v1/classifications/{year}/proposals": "classification.propose",
    "GET /v1/classifications/{year}": "classification.read",
    "GET /v1/classifications/{year}/table": "classification.read",
    "GET /v1/classifications/{year}/{subject_type}/{subject_id}": "classification.read",
    "POST /v1/classifications/{year}/{subject_type}/{subject_id}/decision": (
        "classification.decide"
    ),
    "GET /v1/compliance-flags": "compliance.read",
    "GET /v1/meeting-scores/{meeting_id}": "score.read",
    "GET /v1/meeting-scores/{meeting_id}/versions": "score.read",
    "POST /v1/meeting-scores/{meeting_id}/confirmation": "score.confirm",
    "POST /v1/organisations/{organisation_id}/rankings": "ranking.publish",
    "GET /v1/rankings/{ranking_id}": "score.read",
    "GET /v1/reports/branches": "score.read",
    "GET /v1/reports/thematic": "score.read",
    "POST /v1/rescoring-jobs": "rescoring.run",
    "GET /v1/rescoring-jobs/{job_id}": "rescoring.read",
    "GET /v1/rescoring-jobs": "rescoring.read",
    "GET /v1/branches/{branch_id}/rollups": "score.read",
    "GET /v1/organisations/{organisation_id}/rollups": "score.read",
    "GET /v1/branches/{branch_id}/rubric": "score.read",
    "GET /v1/organisations/{organisation_id}/roll-out": "score.read",
    "GET /v1/organisations/{organisation_id}/formality": "score.read",
    "GET /v1/organisations/{organisation_id}/scoring-dry-run": "score.read",
    "GET /v1/organisations/{organisation_id}/classification-dry-run": "classification.read",
}

READ = ["score.read", "compliance.read", "classification.read", "rescoring.read"]
SUPERIOR = [
    *READ,
    "score.confirm",
    "ranking.publish",
    "classification.propose",
    "classification.decide",
]

PERMISSIONS = permissions(
    CATALOG,
    ROUTES,
    {
        R.PROVINCE_ADMIN: [*SUPERIOR, "rescoring.run"],
        R.OFFICER: [*SUPERIOR, "rescoring.run"],
        R.COMMITTEE: SUPERIOR,
        R.SECRETARY: ["score.read", "compliance.read", "classification.read"],
        R.DEPUTY_SECRETARY: ["score.read", "compliance.read", "classification.read"],
        R.BRANCH_COMMITTEE: ["score.read", "compliance.read", "classification.read"],
        R.MEMBER: ["score.read"],
        R.OBSERVER: ["score.read", "compliance.read"],
        R.READER: READ,
        R.SERVICE: READ,
        # Scores, roll-ups and rankings are what agencies are told about; flags name members.
        R.AGENCY: ["score.read"],
    },
)
