"""Who may do what in the registry: every route's permission and what each access role gives.

Beside `scope.py` (where a resource lies); `service_kit.web.access` checks both on every call.
Members' personal data (citizen id, date of birth, phone, e-mail, address) is a permission of
its own (`member.personal`): without it a member is read masked (`registry.members.privacy`).
"""

from __future__ import annotations

from service_kit.grants import AccessRole as R
from service_kit.web.permissions import Permission, permissions

CATALOG = [
    Permission("org.read", "xem cây tổ chức, chức vụ, phân công, cụm, hộ gia đình", write=False),
    Permission("org.write", "lập, đổi tên, chuyển, sáp nhập, chia tách, giải thể tổ chức", True),
    Permission("golive.write", "đặt ngày đưa vào sử dụng, kế hoạch triển khai theo tổ chức", True),
    Permission("member.read", "xem đảng viên và danh sách sinh hoạt (thông tin riêng che)", False),
    Permission("member.personal", "xem thông tin cá nhân của đảng viên (CCCD, ngày sinh…)", False),
    Permission("member.write", "kết nạp, đổi trạng thái, chuyển sinh hoạt đảng viên", write=True),
    Permission("role.write", "phân công chức vụ và cấp ủy viên dự sinh hoạt", write=True),
    Permission("cluster.write", "lập cụm sinh hoạt luân phiên", write=True),
    Permission("household.write", "phân công đảng viên phụ trách hộ gia đình", write=True),
    Permission("import.run", "nhập danh sách tổ chức, đảng viên từ tệp", write=True),
    Permission("audit.read", "xem nhật ký thay đổi", write=False),
    Permission("identity.self", "xem thông tin tài khoản của mình", write=False),
    Permission("identity.admin", "quản trị tài khoản, ứng dụng và khóa ký", write=True),
    Permission("client.read", "xem ứng dụng đã đăng ký (không có khóa bí mật)", write=False),
]

ROUTES = {
    "GET /v1/audit-entries": "audit.read",
    "POST /v1/rotation-clusters": "cluster.write",
    "GET /v1/organisations/{branch_id}/rotation-clusters": "org.read",
    "POST /v1/household-responsibilities": "household.write",
    "GET /v1/organisations/{branch_id}/households": "org.read",
    "GET /v1/auth/me": "identity.self",
    "POST /v1/auth/keys/rotate": "identity.admin",
    "GET /v1/auth/keys": "identity.admin",
    "POST /v1/users": "identity.admin",
    "GET /v1/users/{user_id}": "identity.admin",
    "POST /v1/users/{user_id}/password": "identity.admin",
    "POST /v1/users/{user_id}/status": "identity.admin",
    "POST /v1/clients": "identity.admin",
    "GET /v1/clients/{client_id}": "client.read",
    "POST /v1/imports/{kind}": "import.run",
    "POST /v1/members": "member.write",
    "GET /v1/members/{member_id}": "member.read",
    "POST /v1/members/{member_id}/status": "member.write",
    "POST /v1/members/{member_id}/transfer": "member.write",
    "GET /v1/organisations/{branch_id}/roster": "member.read",
    "GET /v1/organisation-history": "org.read",
    "POST /v1/organisations": "org.write",
    "POST /v1/organisations/merges": "org.write",
    "POST /v1/organisations/{organisation_id}/rename": "org.write",
    "POST /v1/organisations/{organisation_id}/move": "org.write",
    "POST /v1/organisations/{organisation_id}/split": "org.write",
    "POST /v1/organisations/{organisation_id}/dissolve": "org.write",
    "GET /v1/organisations/{organisation_id}": "org.read",
    "GET /v1/organisations": "org.read",
    "GET /v1/organisations/{organisation_id}/ancestors": "org.read",
    "GET /v1/organisations/{organisation_id}/subtree": "org.read",
    "GET /v1/organisations/{organisation_id}/go-live": "org.read",
    "POST /v1/organisations/{organisation_id}/go-live": "golive.write",
    "POST /v1/go-live-plans": "golive.write",
    "POST /v1/role-assignments": "role.write",
    "POST /v1/role-assignments/{role_assignment_id}/end": "role.write",
    "GET /v1/organisations/{organisation_id}/roles": "org.read",
    "POST /v1/observer-assignments": "role.write",
    "POST /v1/observer-assignments/{observer_assignment_id}/end": "role.write",
    "GET /v1/organisations/{branch_id}/observers": "org.read",
}

SEES = ["org.read", "member.read", "identity.self"]
# The people responsible for a member see their personal data: the branch's secretary and
# deputies, the committees and offices above, the administrators (and the member themself).
RESPONSIBLE = [*SEES, "member.personal"]
OFFICE = [
    *RESPONSIBLE,
    "org.write",
    "golive.write",
    "member.write",
    "role.write",
    "cluster.write",
    "household.write",
    "import.run",
]

PERMISSIONS = permissions(
    CATALOG,
    ROUTES,
    {
        R.PROVINCE_ADMIN: [*OFFICE, "audit.read", "identity.admin", "client.read"],
        R.OFFICER: OFFICE,
        R.COMMITTEE: RESPONSIBLE,
        R.SECRETARY: [*RESPONSIBLE, "household.write"],
        R.DEPUTY_SECRETARY: [*RESPONSIBLE, "household.write"],
        R.BRANCH_COMMITTEE: SEES,
        R.MEMBER: SEES,
        R.OBSERVER: SEES,
        R.READER: SEES,
        # notifications reads members' e-mail to send their mail (each read is audited)
        R.SERVICE: [*SEES, "member.personal", "client.read"],
        R.AGENCY: ["org.read", "identity.self"],
    },
)
