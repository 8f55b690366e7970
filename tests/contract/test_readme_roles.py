"""The README's table of roles ("Who may do what") is the services' permission tables, rendered:
a permission or role changed in code and not in the README fails here.

Rewrite the section after changing a table: `python tests/contract/test_readme_roles.py --write`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from meetings.permissions import PERMISSIONS as MEETINGS
from notifications.permissions import PERMISSIONS as NOTIFICATIONS
from registry.permissions import PERMISSIONS as REGISTRY
from scoring.permissions import PERMISSIONS as SCORING
from service_kit.grants import ROLE_NAMES_VI, AccessRole
from service_kit.web.permissions import Permissions

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
START, END = "<!-- roles:start (generated) -->", "<!-- roles:end -->"
TABLES = {
    "registry": REGISTRY,
    "meetings": MEETINGS,
    "scoring": SCORING,
    "notifications": NOTIFICATIONS,
}
# Short column heads; the legend under the tables names each role in full.
HEADS = {
    AccessRole.PROVINCE_ADMIN: "QT",
    AccessRole.OFFICER: "VP",
    AccessRole.COMMITTEE: "CU",
    AccessRole.SECRETARY: "BT",
    AccessRole.DEPUTY_SECRETARY: "PBT",
    AccessRole.BRANCH_COMMITTEE: "ChU",
    AccessRole.MEMBER: "ĐV",
    AccessRole.OBSERVER: "DSH",
    AccessRole.READER: "ĐỌC",
    AccessRole.SERVICE: "DV",
    AccessRole.AGENCY: "CQ",
}


def render_service(name: str, table: Permissions) -> list[str]:
    roles = list(AccessRole)
    routes: dict[str, list[str]] = {}
    for route, permission in table.routes.items():
        routes.setdefault(permission, []).append(route)
    lines = [
        f"**{name}**",
        "",
        "| quyền | nghĩa | " + " | ".join(HEADS[r] for r in roles) + " |",
        "|---|---|" + "|".join(":-:" for _ in roles) + "|",
    ]
    for permission in table.catalog.values():
        marks = " | ".join("✓" if permission.name in table.given_by(r) else "" for r in roles)
        kind = "ghi" if permission.write else "đọc"
        used = len(routes.get(permission.name, []))
        where = f"{used} đường dẫn" if used else "kiểm tra trong xử lý"
        lines.append(
            f"| `{permission.name}` ({kind}, {where}) | {permission.description} | {marks} |"
        )
    return [*lines, ""]


def render() -> str:
    lines = [START, ""]
    for name, table in TABLES.items():
        lines += render_service(name, table)
    legend = ", ".join(f"{HEADS[r]} = {ROLE_NAMES_VI[r]} (`{r.value}`)" for r in AccessRole)
    lines += [f"Vai trò: {legend}.", "", END]
    return "\n".join(lines)


def current() -> str:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, f"README.md has no {START} … {END} section"
    return START + text.split(START, 1)[1].split(END, 1)[0] + END


def test_readme_roles_table_is_the_permission_tables() -> None:
    assert current() == render(), (
        "README's roles table is stale: python tests/contract/test_readme_roles.py --write"
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        text = README.read_text(encoding="utf-8")
        README.write_text(text.replace(current(), render()), encoding="utf-8")
    else:
        print(render())
