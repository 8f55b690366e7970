"""Import rules as pure functions: which header means which column, how a cell is read, and
whether a row (and the file as a whole) may be written. No I/O; the service supplies lookups."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic_core import PydanticCustomError

from event_contracts.vocabulary import is_branch
from registry.golive.rules import go_live_errors
from registry.members.rules import STATUS_NAMES_VI, admission_errors
from registry.organisations.rules import KIND_NAMES_VI, branch_detail_errors, parent_errors
from registry.periods import in_force
from service_kit.web.dates import EARLIEST_BIRTH, check_day

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


ORGANISATION_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã tổ chức", ("mã", "code"), required=True),
    Column("name", "Tên", ("tên tổ chức", "name"), required=True),
    Column("kind", "Loại", ("loại tổ chức", "kind"), required=True),
    Column("parent_code", "Mã cấp trên", ("mã tổ chức cấp trên", "parent_code")),
    Column("valid_from", "Ngày hiệu lực", ("ngày thành lập", "valid_from"), required=True),
    Column("branch_kind", "Loại hình", ("loại hình chi bộ", "branch_kind")),
    Column("meeting_days", "Ngày sinh hoạt", ("lịch sinh hoạt", "meeting_days")),
    Column("go_live_on", "Ngày đưa vào sử dụng", ("ngày triển khai", "go_live_on")),
)

MEMBER_COLUMNS: tuple[Column, ...] = (
    Column(
        "party_card_number",
        "Mã đảng viên",
        ("số thẻ đảng viên", "số thẻ", "party_card_number"),
        required=True,
    ),
    Column("full_name", "Họ và tên", ("họ tên", "full_name"), required=True),
    Column("date_of_birth", "Ngày sinh", ("date_of_birth",)),
    Column("admitted_on", "Ngày vào Đảng", ("ngày kết nạp", "admitted_on"), required=True),
    Column("full_member_on", "Ngày chính thức", ("full_member_on",)),
    Column("branch_code", "Mã chi bộ", ("branch_code",), required=True),
    Column("status", "Trạng thái", ("status",)),
    Column("phone", "Số điện thoại", ("điện thoại", "sđt", "phone")),
    Column("email", "Email", ("e-mail", "thư điện tử")),
    Column("citizen_id", "CCCD", ("số cccd", "căn cước", "căn cước công dân", "citizen_id")),
    Column("joined_on", "Ngày vào chi bộ", ("joined_on",)),
)

# Vocabulary of the "Loại", "Loại hình" and "Trạng thái" columns, matched without diacritics.
KIND_WORDS: dict[str, str] = {
    "tinh uy": "province",
    "thanh uy": "province",
    "dang bo tinh": "province",
    "dang bo xa": "commune",
    "dang bo phuong": "commune",
    "dang bo dac khu": "commune",
    "dang uy xa": "commune",
    "dang uy phuong": "commune",
    "huyen uy": "legacy_district",
    "dang bo huyen": "legacy_district",
    "dang bo truc thuoc": "sectoral",
    "dang bo co so": "grassroots_organisation",
    "chi bo co so": "grassroots_branch",
    "dang bo bo phan": "sub_organisation",
    "chi bo truc thuoc": "affiliated_branch",
    "chi bo": "affiliated_branch",
    "to dang": "party_group",
}
BRANCH_KIND_WORDS: dict[str, str] = {
    "thon": "residential",
    "to dan pho": "residential",
    "thon/to dan pho": "residential",
    "khu dan cu": "residential",
    "ban": "residential",
    "co quan": "agency",
    "truong hoc": "school",
    "truong": "school",
    "doanh nghiep": "enterprise",
    "luc luong vu trang": "armed_forces",
    "quan su": "armed_forces",
    "cong an": "armed_forces",
}
BRANCH_KIND_NAMES_VI = {
    "residential": "thôn, tổ dân phố",
    "agency": "cơ quan",
    "school": "trường học",
    "enterprise": "doanh nghiệp",
    "armed_forces": "lực lượng vũ trang",
}
STATUS_WORDS: dict[str, str] = {
    "chinh thuc": "full",
    "du bi": "probationary",
    "mien sinh hoat": "exempt",
}
IMPORTABLE_STATUS_NAMES_VI = {s: STATUS_NAMES_VI[s] for s in STATUS_WORDS.values()}

CODE_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
CARD_RE = re.compile(r"^[0-9.]{1,32}$")
PHONE_RE = re.compile(r"^\+?[0-9 .-]{6,32}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CITIZEN_ID_RE = re.compile(r"^[0-9]{12}$")
DAYS_RE = re.compile(r"^(\d{1,2})\s*(?:[-–]\s*(\d{1,2}))?$")
# dd/mm/yyyy (also with - or .) or yyyy-mm-dd.
DATE_RE = re.compile(r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})$")


@dataclass(frozen=True)
class RowError:
    """`row` is the spreadsheet row (the header is row 1); `column` the header as written in
    the file (or its standard name when the column is missing); row 0 means the whole file."""

    row: int
    column: str | None
    detail: str
    code: str

    @property
    def message(self) -> str:
        where = f"Dòng {self.row}" if self.row else "Tệp"
        if self.column:
            where += f", cột «{self.column}»"
        return f"{where}: {self.detail}"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower case without diacritics or extra spaces: how headers and vocabulary are matched."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().replace("*", " ").replace(":", " ").split())


@dataclass
class Header:
    """Where each known field sits in the file, and what the file calls it."""

    index: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def match_header(cells: Sequence[Cell], columns: Sequence[Column]) -> Header:
    lookup = {fold(alias): c for c in columns for alias in (c.header, c.field, *c.aliases)}
    header = Header()
    for i, cell in enumerate(cells):
        text = nfc(str(cell)).strip() if cell is not None else ""
        if not text:
            continue
        column = lookup.get(fold(text))
        if column is None:
            header.ignored.append(text)
        elif column.field in header.index:
            header.errors.append(RowError(1, text, "Cột bị lặp.", "duplicate-column"))
        else:
            header.index[column.field] = i
            header.names[column.field] = text
    for column in columns:
        if column.required and column.field not in header.index:
            header.errors.append(
                RowError(1, column.header, "Thiếu cột bắt buộc.", "missing-column")
            )
        header.names.setdefault(column.field, column.header)
    return header


class CellError(ValueError):
    def __init__(self, detail: str, code: str = "invalid") -> None:
        super().__init__(detail)
        self.detail, self.code = detail, code


def text(cell: Cell, max_length: int) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    value = " ".join(nfc(str(cell)).split())
    if not value:
        return None
    if len(value) > max_length:
        raise CellError(f"Dài quá {max_length} ký tự.", "too-long")
    return value


def code(cell: Cell) -> str | None:
    value = text(cell, 64)
    if value is not None and not CODE_RE.match(value):
        raise CellError("Mã chỉ gồm chữ không dấu, số và các dấu . _ -", "pattern")
    return value


def _calendar_day(cell: Cell) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    value = text(cell, 40)
    if value is None:
        return None
    match = DATE_RE.match(value)
    if match is not None:
        a, b, c = (int(g) for g in match.groups())
        year, month, day_of_month = (a, b, c) if a > 31 else (c, b, a)
        if year >= 1900:
            try:
                return date(year, month, day_of_month)
            except ValueError:
                pass
    raise CellError(f"Ngày «{value}» không hợp lệ; dùng dd/mm/yyyy hoặc yyyy-mm-dd.", "date")


def _plausible(parsed: date | None, **window: Any) -> date | None:
    """The window the API applies to the same field (`service_kit.web.dates`)."""
    if parsed is None:
        return None
    try:
        return check_day(parsed, **window)
    except PydanticCustomError as exc:
        raise CellError(exc.message(), exc.type) from None


def day(cell: Cell) -> date | None:
    return _plausible(_calendar_day(cell))


def birth_day(cell: Cell) -> date | None:
    return _plausible(_calendar_day(cell), earliest=EARLIEST_BIRTH, future=False)


def choice(cell: Cell, words: Mapping[str, str], names: Mapping[str, str]) -> str | None:
    value = text(cell, 100)
    if value is None:
        return None
    folded = fold(value)
    if folded in words:
        return words[folded]
    if value in names:
        return value
    allowed = ", ".join(dict.fromkeys(names.values()))
    raise CellError(f"«{value}» không thuộc danh sách: {allowed}.", "vocabulary")


def meeting_days(cell: Cell) -> tuple[int | None, int | None]:
    value = text(cell, 20)
    if value is None:
        return None, None
    match = DAYS_RE.match(value)
    if match is None:
        raise CellError("Ghi ngày trong tháng, ví dụ «1-3» hoặc «4».", "pattern")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if not (1 <= first <= 31 and 1 <= last <= 31):
        raise CellError("Ngày trong tháng phải từ 1 đến 31.", "range")
    return first, last


def digits_text(cell: Cell, width: int) -> Cell:
    """A number typed into a spreadsheet loses its leading zero (0912…, 042…): put it back."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int) and not isinstance(cell, bool):
        return str(cell).zfill(width)
    return cell


def patterned(cell: Cell, pattern: re.Pattern[str], detail: str, max_length: int) -> str | None:
    value = text(cell, max_length)
    if value is not None and not pattern.match(value):
        raise CellError(detail, "pattern")
    return value


# Pointers of the domain rules (`/full_member_on`) → import fields.
POINTER_FIELDS = {
    "/status": "status",
    "/full_member_on": "full_member_on",
    "/joined_on": "joined_on",
    "/date_of_birth": "date_of_birth",
    "/branch_kind": "branch_kind",
    "/meeting_day_from": "meeting_days",
    "/meeting_day_to": "meeting_days",
    "/parent_id": "parent_code",
}


class RowReader:
    """Reads the cells of one row field by field and collects each cell's error."""

    def __init__(self, row: int, cells: Sequence[Cell], header: Header) -> None:
        self.row, self.cells, self.header = row, cells, header
        self.errors: list[RowError] = []

    def error(self, field_name: str, detail: str, code: str) -> None:
        self.errors.append(RowError(self.row, self.header.names[field_name], detail, code))

    def cell(self, field_name: str) -> Cell:
        i = self.header.index.get(field_name)
        if i is None or i >= len(self.cells):
            return None
        return self.cells[i]

    def read(self, field_name: str, parse: Callable[[Cell], Any], *, required: bool = False) -> Any:
        try:
            value = parse(self.cell(field_name))
        except CellError as exc:
            self.error(field_name, exc.detail, exc.code)
            return None
        if required and value is None:
            self.error(field_name, "Không được để trống.", "missing")
        return value


@dataclass(frozen=True)
class OrganisationRow:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str | None
    valid_from: date
    branch_kind: str | None
    meeting_day_from: int | None
    meeting_day_to: int | None
    go_live_on: date | None = None


@dataclass(frozen=True)
class ExistingOrganisation:
    id: str
    code: str
    name: str
    kind: str
    parent_code: str | None
    valid_from: date
    valid_to: date | None
    branch_kind: str | None
    meeting_day_from: int | None
    meeting_day_to: int | None
    go_live_on: date | None = None


def read_organisation(
    row: int, cells: Sequence[Cell], header: Header
) -> tuple[OrganisationRow | None, list[RowError]]:
    r = RowReader(row, cells, header)
    org_code = r.read("code", code, required=True)
    name = r.read("name", lambda c: text(c, 300), required=True)
    kind = r.read("kind", lambda c: choice(c, KIND_WORDS, KIND_NAMES_VI), required=True)
    parent = r.read("parent_code", code)
    valid_from = r.read("valid_from", day, required=True)
    branch_kind = r.read(
        "branch_kind", lambda c: choice(c, BRANCH_KIND_WORDS, BRANCH_KIND_NAMES_VI)
    )
    days = r.read("meeting_days", meeting_days) or (None, None)
    go_live_on = r.read("go_live_on", day)
    if kind is not None:
        for e in branch_detail_errors(kind, branch_kind, days[0], days[1]):
            r.error(POINTER_FIELDS[e["pointer"]], e["detail"], e["code"])
    if valid_from is not None:
        for e in go_live_errors(go_live_on, valid_from, None, "Ngày đưa vào sử dụng"):
            r.error("go_live_on", e["detail"], e["code"])
    if r.errors:
        return None, r.errors
    return (
        OrganisationRow(
            row, org_code, name, kind, parent, valid_from, branch_kind, days[0], days[1], go_live_on
        ),
        [],
    )


def _differences(pairs: Sequence[tuple[str, Any, Any]], header: Header, row: int) -> list[RowError]:
    return [
        RowError(
            row,
            header.names[name],
            f"Khác dữ liệu đã có ({_show(old)}); sửa trong hệ thống, không qua nhập tệp.",
            "conflict",
        )
        for name, new, old in pairs
        if new != old
    ]


def _show(value: Any) -> str:
    if value is None:
        return "trống"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


@dataclass
class Plan:
    """What a checked file would do: rows to create (parents first), rows already present."""

    create: list[Any] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Stored organisations whose go-live date the file changes: (code, date). The one change
    # an import makes to a stored row, since rolling out by file is what the column is for.
    go_live: list[tuple[str, date]] = field(default_factory=list)


def plan_organisations(
    rows: Sequence[OrganisationRow],
    existing: Mapping[str, ExistingOrganisation],
    header: Header,
) -> Plan:
    """New rows in parent-first order; rows matching a stored code must agree with it; a row
    whose parent is a bad row of the file is refused too (nothing half-hung)."""
    plan = Plan()
    first_row: dict[str, int] = {}
    new: dict[str, OrganisationRow] = {}
    for row in rows:
        if row.code in first_row:
            plan.errors.append(
                RowError(
                    row.row,
                    header.names["code"],
                    f"Mã bị lặp (đã có ở dòng {first_row[row.code]}).",
                    "duplicate",
                )
            )
            continue
        first_row[row.code] = row.row
        old = existing.get(row.code)
        if old is None:
            new[row.code] = row
            continue
        diff = _differences(
            [
                ("name", row.name, old.name),
                ("kind", row.kind, old.kind),
                ("parent_code", row.parent_code, old.parent_code),
                ("valid_from", row.valid_from, old.valid_from),
                ("branch_kind", row.branch_kind, old.branch_kind),
                (
                    "meeting_days",
                    (row.meeting_day_from, row.meeting_day_to),
                    (old.meeting_day_from, old.meeting_day_to),
                ),
            ],
            header,
            row.row,
        )
        if diff:
            plan.errors.extend(diff)
            continue
        plan.unchanged += 1
        if row.go_live_on is not None and row.go_live_on != old.go_live_on:
            errors = go_live_errors(row.go_live_on, old.valid_from, old.valid_to, old.name)
            plan.errors += [
                RowError(row.row, header.names["go_live_on"], e["detail"], e["code"])
                for e in errors
            ]
            if not errors:
                plan.go_live.append((row.code, row.go_live_on))
    state: dict[str, str] = {}  # code → "visiting" | "ok" | "bad"

    def visit(row: OrganisationRow) -> bool:
        mark = state.get(row.code)
        if mark is not None:
            return mark == "ok"
        state[row.code] = "visiting"
        errors: list[RowError] = []
        parent_kind: str | None = None
        column = header.names["parent_code"]
        if row.parent_code is not None:
            parent_new = new.get(row.parent_code)
            parent_old = existing.get(row.parent_code)
            if parent_new is not None:
                if state.get(row.parent_code) == "visiting":
                    errors.append(
                        RowError(row.row, column, "Cấp trên tạo thành vòng lặp.", "cycle")
                    )
                elif not visit(parent_new):
                    detail = f"Tổ chức cấp trên (dòng {parent_new.row}) có lỗi."
                    errors.append(RowError(row.row, column, detail, "parent-invalid"))
                else:
                    parent_kind = parent_new.kind
                    if row.valid_from < parent_new.valid_from:
                        detail = (
                            f"Trước ngày hiệu lực của cấp trên ({_show(parent_new.valid_from)})."
                        )
                        errors.append(
                            RowError(row.row, header.names["valid_from"], detail, "not-in-force")
                        )
            elif parent_old is not None:
                parent_kind = parent_old.kind
                if not in_force(parent_old.valid_from, parent_old.valid_to, row.valid_from):
                    detail = f"{parent_old.name} không tồn tại vào ngày {_show(row.valid_from)}."
                    errors.append(
                        RowError(row.row, header.names["valid_from"], detail, "not-in-force")
                    )
            else:
                detail = f"Không có tổ chức mã {row.parent_code} (trong tệp hay trong hệ thống)."
                errors.append(RowError(row.row, column, detail, "unknown"))
        if not errors and (row.parent_code is None or parent_kind is not None):
            for e in parent_errors(row.kind, parent_kind):
                errors.append(RowError(row.row, column, e["detail"], e["code"]))
        plan.errors.extend(errors)
        state[row.code] = "bad" if errors else "ok"
        if not errors:
            plan.create.append(row)
        return not errors

    for row in new.values():
        visit(row)
    plan.errors.sort(key=lambda e: e.row)
    return plan


@dataclass(frozen=True)
class MemberRow:
    row: int
    party_card_number: str
    full_name: str
    date_of_birth: date | None
    admitted_on: date
    full_member_on: date | None
    branch_code: str
    status: str
    phone: str | None
    email: str | None
    citizen_id: str | None
    joined_on: date | None


@dataclass(frozen=True)
class NewMember:
    """A checked member row with its branch resolved: what the bulk writer needs."""

    row: int
    party_card_number: str | None
    full_name: str
    date_of_birth: date | None
    admitted_on: date
    full_member_on: date | None
    branch_id: str
    status: str
    phone: str | None
    email: str | None
    citizen_id: str | None
    joined_on: date


@dataclass(frozen=True)
class Branch:
    id: str
    name: str
    kind: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True)
class ExistingMember:
    full_name: str
    date_of_birth: date | None
    admitted_on: date
    full_member_on: date | None
    branch_code: str | None
    status: str | None
    phone: str | None
    email: str | None
    citizen_id: str | None


def read_member(
    row: int, cells: Sequence[Cell], header: Header
) -> tuple[MemberRow | None, list[RowError]]:
    r = RowReader(row, cells, header)
    card = r.read(
        "party_card_number",
        lambda c: patterned(c, CARD_RE, "Mã đảng viên chỉ gồm chữ số và dấu chấm.", 32),
        required=True,
    )
    full_name = r.read("full_name", lambda c: text(c, 200), required=True)
    born = r.read("date_of_birth", birth_day)
    admitted = r.read("admitted_on", day, required=True)
    full_on = r.read("full_member_on", day)
    branch_code = r.read("branch_code", code, required=True)
    status = r.read("status", lambda c: choice(c, STATUS_WORDS, IMPORTABLE_STATUS_NAMES_VI))
    phone = r.read(
        "phone",
        lambda c: patterned(
            digits_text(c, 10), PHONE_RE, "Số điện thoại không hợp lệ (ví dụ 0912 345 678).", 32
        ),
    )
    email = r.read("email", lambda c: patterned(c, EMAIL_RE, "Địa chỉ email không hợp lệ.", 254))
    citizen_id = r.read(
        "citizen_id",
        lambda c: patterned(digits_text(c, 12), CITIZEN_ID_RE, "CCCD phải gồm đúng 12 chữ số.", 12),
    )
    joined = r.read("joined_on", day)
    if r.errors:
        return None, r.errors
    status = status or ("full" if full_on else "probationary")
    return (
        MemberRow(
            row,
            card,
            full_name,
            born,
            admitted,
            full_on,
            branch_code,
            status,
            phone,
            email.lower() if email else None,
            citizen_id,
            joined,
        ),
        [],
    )


def plan_members(
    rows: Sequence[MemberRow],
    branches: Mapping[str, Branch],
    existing: Mapping[str, ExistingMember],
    header: Header,
) -> Plan:
    """Rows to admit (as `NewMember`) and rows already present with the same data. A member
    joins the branch's roll on `Ngày vào chi bộ`, by default the later of the admission date
    and the branch's start."""
    plan = Plan()
    first_row: dict[str, int] = {}
    for row in rows:
        names = header.names
        if row.party_card_number in first_row:
            detail = f"Mã đảng viên bị lặp (đã có ở dòng {first_row[row.party_card_number]})."
            plan.errors.append(RowError(row.row, names["party_card_number"], detail, "duplicate"))
            continue
        first_row[row.party_card_number] = row.row
        old = existing.get(row.party_card_number)
        if old is not None:
            pairs: list[tuple[str, Any, Any]] = [
                ("full_name", row.full_name, old.full_name),
                ("admitted_on", row.admitted_on, old.admitted_on),
                ("branch_code", row.branch_code, old.branch_code),
                ("status", row.status, old.status),
            ]
            # An empty optional cell says nothing; a filled one must agree.
            optional = [
                ("date_of_birth", row.date_of_birth, old.date_of_birth),
                ("full_member_on", row.full_member_on, old.full_member_on),
                ("phone", row.phone, old.phone),
                ("email", row.email, old.email),
                ("citizen_id", row.citizen_id, old.citizen_id),
            ]
            pairs += [p for p in optional if p[1] is not None]
            diff = _differences(pairs, header, row.row)
            if diff:
                plan.errors.extend(diff)
            else:
                plan.unchanged += 1
            continue
        errors: list[RowError] = []
        branch = branches.get(row.branch_code)
        joined = row.joined_on or row.admitted_on
        if branch is None:
            detail = f"Không có tổ chức mã {row.branch_code}; hãy nhập tổ chức trước."
            errors.append(RowError(row.row, names["branch_code"], detail, "unknown"))
        elif not is_branch(branch.kind):
            detail = f"{branch.name} là {KIND_NAMES_VI[branch.kind]}, không phải chi bộ."
            errors.append(RowError(row.row, names["branch_code"], detail, "not-a-branch"))
        else:
            if row.joined_on is None:
                joined = max(row.admitted_on, branch.valid_from)
            if not in_force(branch.valid_from, branch.valid_to, joined):
                detail = f"{branch.name} không tồn tại vào ngày {_show(joined)}."
                field_name = "joined_on" if row.joined_on else "branch_code"
                errors.append(RowError(row.row, names[field_name], detail, "not-in-force"))
        rule_status = "full" if row.status == "exempt" else row.status
        for e in admission_errors(
            rule_status, row.admitted_on, row.full_member_on, joined, row.date_of_birth
        ):
            errors.append(
                RowError(row.row, names[POINTER_FIELDS[e["pointer"]]], e["detail"], e["code"])
            )
        if errors or branch is None:
            plan.errors.extend(errors)
            continue
        plan.create.append(
            NewMember(
                row.row,
                row.party_card_number,
                row.full_name,
                row.date_of_birth,
                row.admitted_on,
                row.full_member_on,
                branch.id,
                row.status,
                row.phone,
                row.email,
                row.citizen_id,
                joined,
            )
        )
    return plan
