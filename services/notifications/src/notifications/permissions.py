"""Who may do what in notifications: every route's permission and what each access role gives.

Beside `scope.py` (where a resource lies); `service_kit.web.access` checks both on every call.
Contact points decide where a role's mail goes, so only the committee's office sets them (a
branch cannot redirect its observers' mail); an inbox is read by the people it is addressed to
and the offices above them.
"""

from __future__ import annotations

from service_kit.grants import AccessRole as R
from service_kit.web.permissions import Permission, permissions

CATALOG = [
    Permission("inbox.read", "xem hộp thư thông báo", write=False),
    Permission("inbox.mark", "đánh dấu thông báo đã đọc", write=True),
    Permission(
        "inbox.oversee", "xem hộp thư của các chức danh thuộc tổ chức mình phụ trách", False
    ),
    Permission("rules.read", "xem quy tắc thông báo", write=False),
    Permission("rules.write", "ban hành phiên bản quy tắc thông báo", write=True),
    Permission("contact.read", "xem điểm nhận (thư, webhook)", write=False),
    Permission("contact.write", "thêm, sửa điểm nhận và đổi khóa webhook", write=True),
    Permission("delivery.read", "xem lần gửi và lần thử", write=False),
    Permission("delivery.replay", "gửi lại lần gửi thất bại", write=True),
    Permission("agency.read", "xem cơ quan đăng ký nhận sự kiện", write=False),
    Permission("agency.write", "đăng ký cơ quan nhận sự kiện", write=True),
    Permission("feed.read", "đọc lại sự kiện công khai mình được nhận (cơ quan)", write=False),
]

ROUTES = {
    "POST /v1/agencies": "agency.write",
    "GET /v1/agencies": "agency.read",
    "GET /v1/agency-feed": "feed.read",
    "GET /v1/deliveries": "delivery.read",
    "GET /v1/deliveries/{delivery_id}": "delivery.read",
    "POST /v1/deliveries/{delivery_id}/replay": "delivery.replay",
    "POST /v1/deliveries/replays": "delivery.replay",
    "POST /v1/contact-points": "contact.write",
    "GET /v1/contact-points": "contact.read",
    "PATCH /v1/contact-points/{contact_point_id}": "contact.write",
    "POST /v1/contact-points/{contact_point_id}/secret-rotations": "contact.write",
    "GET /v1/notifications": "inbox.read",
    "GET /v1/notifications/unread-count": "inbox.read",
    "POST /v1/notifications/{notification_id}/read": "inbox.mark",
    "POST /v1/notifications/read": "inbox.mark",
    "GET /v1/rules": "rules.read",
    "GET /v1/rules/versions": "rules.read",
    "GET /v1/rules/versions/{version}": "rules.read",
    "POST /v1/rules/versions": "rules.write",
    "GET /v1/organisations/{organisation_id}/reminders-dry-run": "rules.read",
}

INBOX = ["inbox.read", "inbox.mark"]
OFFICE = [
    *INBOX,
    "inbox.oversee",
    "rules.read",
    "contact.read",
    "contact.write",
    "delivery.read",
    "delivery.replay",
    "agency.read",
]

PERMISSIONS = permissions(
    CATALOG,
    ROUTES,
    {
        R.PROVINCE_ADMIN: [*OFFICE, "rules.write", "agency.write"],
        R.OFFICER: OFFICE,
        R.COMMITTEE: [*INBOX, "inbox.oversee"],
        R.SECRETARY: INBOX,
        R.DEPUTY_SECRETARY: INBOX,
        R.BRANCH_COMMITTEE: INBOX,
        R.MEMBER: INBOX,
        R.OBSERVER: INBOX,
        R.READER: ["inbox.read", "inbox.oversee", "rules.read"],
        R.SERVICE: [
            "inbox.read",
            "inbox.oversee",
            "rules.read",
            "contact.read",
            "delivery.read",
            "agency.read",
        ],
        R.AGENCY: ["feed.read"],
    },
)
