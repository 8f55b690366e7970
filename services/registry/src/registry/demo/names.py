"""Vietnamese name pools: people, villages, communes. Plain data; the generator draws from it."""

from __future__ import annotations

import random

# Share of the population (per cent), the common family names first.
FAMILY_NAMES: dict[str, float] = {
    "Nguyễn": 38.0,
    "Trần": 11.0,
    "Lê": 9.5,
    "Phạm": 7.0,
    "Hoàng": 4.1,
    "Huỳnh": 1.0,
    "Phan": 4.5,
    "Vũ": 2.5,
    "Võ": 1.4,
    "Đặng": 2.1,
    "Bùi": 2.0,
    "Đỗ": 1.4,
    "Hồ": 1.3,
    "Ngô": 1.3,
    "Dương": 1.0,
    "Lý": 0.5,
}
# Hà Giang's highland districts: Tày, Nùng, Dao, H'Mông, La Chí family names alongside Kinh.
HIGHLAND_FAMILY_NAMES: dict[str, float] = {
    "Hoàng": 14.0,
    "Nguyễn": 10.0,
    "Vàng": 8.0,
    "Lù": 6.0,
    "Sùng": 5.0,
    "Chảo": 5.0,
    "Đặng": 5.0,
    "Triệu": 5.0,
    "Lò": 4.0,
    "Ly": 4.0,
    "Giàng": 4.0,
    "Trần": 4.0,
    "Lê": 3.0,
    "Phạm": 2.0,
}
MIDDLE_MALE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Công", "Thanh", "Đình", "Ngọc")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Phương", "Kim")
GIVEN_MALE = (
    "Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Sơn", "Hải", "Long", "Thắng", "Cường",
    "Đức", "Quang", "Tiến", "Trung", "Bình", "Hòa", "Phúc", "Thành", "Hưng", "Khánh",
    "Vinh", "Lâm", "Toàn", "Huy", "Tâm", "Chiến", "Thịnh", "Kiên", "Hiếu", "Lợi",
)  # fmt: skip
GIVEN_FEMALE = (
    "Lan", "Hương", "Mai", "Hoa", "Hạnh", "Thủy", "Hằng", "Nga", "Thảo", "Linh",
    "Trang", "Huyền", "Yến", "Nhung", "Phương", "Dung", "Loan", "Hiền", "Oanh", "Tâm",
    "Vân", "Liên", "Hà", "Thu", "Ngọc", "Giang", "Chi", "Quỳnh", "Nhàn", "Xuân",
)  # fmt: skip

LOWLAND_VILLAGE_FIRST = (
    "Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Tân", "Phú", "An", "Hòa", "Xuân",
    "Vĩnh", "Yên",
)  # fmt: skip
LOWLAND_VILLAGE_SECOND = (
    "Hà", "Sơn", "Lộc", "Hòa", "Phong", "Thịnh", "Bình", "Long", "Tiến", "Thành", "Mỹ", "Lâm",
    "Châu", "Hải",
)  # fmt: skip
HIGHLAND_VILLAGE_FIRST = ("Nậm", "Tả", "Bản", "Nà", "Khuổi", "Pà", "Lùng", "Cốc", "Phìn", "Na")
HIGHLAND_VILLAGE_SECOND = (
    "Khòa", "Sử", "Péo", "Chì", "Luông", "Vài", "Mơ", "Chang", "Hồ", "Mười", "Pắng", "Thượng",
    "Hạ", "Ngoa", "Pền", "Sán",
)  # fmt: skip

THACH_HA_COMMUNES = tuple(
    f"Thạch {n}"
    for n in (
        "Long",
        "Sơn",
        "Kênh",
        "Liên",
        "Hải",
        "Trị",
        "Lạc",
        "Thanh",
        "Ngọc",
        "Lưu",
        "Vĩnh",
        "Đài",
        "Hội",
        "Văn",
        "Thắng",
        "Hương",
        "Tiến",
        "Xuân",
        "Lâm",
        "Khê",
        "Đỉnh",
        "Bàn",
        "Châu",
        "Tân",
        "Hạ",
        "Kim",
        "Môn",
        "Bằng",
        "Việt",
        "Mỹ",
        "Đồng",
    )
)
BAC_ME_COMMUNES = (
    "Yên Phú", "Yên Phong", "Minh Ngọc", "Minh Sơn", "Giáp Trung", "Yên Định", "Yên Cường",
    "Đường Âm", "Đường Hồng", "Phiêng Luông", "Lạc Nông", "Phú Nam", "Thượng Tân",
)  # fmt: skip
HOANG_SU_PHI_COMMUNES = (
    "Vinh Quang", "Bản Luốc", "Bản Máy", "Bản Nhùng", "Bản Péo", "Bản Phùng", "Chiến Phố",
    "Đản Ván", "Hồ Thầu", "Nam Sơn", "Nậm Dịch", "Nậm Khòa", "Nậm Ty", "Nàng Đôn",
    "Ngàm Đăng Vài", "Pố Lồ", "Pờ Ly Ngài", "Sán Sả Hồ", "Tả Sử Choóng", "Tân Tiến",
    "Thàng Tín", "Thèn Chu Phìn", "Thông Nguyên", "Tụ Nhân", "Túng Sán",
)  # fmt: skip
BINH_PHU_VILLAGES = (
    "Khuôn Ráng", "Đồng Bài", "Tân Thành", "Làng Chẵng", "Đồng Mới", "Lăng Khê", "Yên Phú",
    "Đồng Tâm",
)  # fmt: skip
SINO_SYLLABLES = (
    "An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Vĩnh", "Long", "Hưng", "Đức", "Quang", "Minh",
    "Phước", "Thuận", "Trung", "Nghĩa", "Thành", "Xuân", "Cẩm", "Gia",
)  # fmt: skip

# Branches of a commune that are not villages, and of a district's agencies.
COMMUNE_INSTITUTIONS = (
    ("Chi bộ Trường Tiểu học", "school"),
    ("Chi bộ Trường Mầm non", "school"),
    ("Chi bộ Quân sự xã", "armed_forces"),
    ("Chi bộ Công an xã", "armed_forces"),
    ("Chi bộ Trạm Y tế", "agency"),
)
DISTRICT_AGENCIES = (
    ("Chi bộ Phòng Tài chính - Kế hoạch", "agency"),
    ("Chi bộ Phòng Giáo dục và Đào tạo", "agency"),
    ("Chi bộ Phòng Nông nghiệp", "agency"),
    ("Chi bộ Bệnh viện Đa khoa huyện", "agency"),
    ("Chi bộ Ngân hàng Chính sách xã hội huyện", "agency"),
    ("Chi bộ Trường THPT", "school"),
    ("Chi bộ Trường THCS", "school"),
    ("Chi bộ Trường Phổ thông Dân tộc nội trú", "school"),
    ("Chi bộ Điện lực", "enterprise"),
    ("Chi bộ Công ty Chè", "enterprise"),
    ("Chi bộ Hạt Kiểm lâm", "agency"),
    ("Chi bộ Trung tâm Y tế huyện", "agency"),
)
DISTRICT_GRASSROOTS = (
    ("Đảng bộ Quân sự huyện", "armed_forces"),
    ("Đảng bộ Công an huyện", "armed_forces"),
    ("Đảng bộ Cơ quan Chính quyền huyện", "agency"),
    ("Đảng bộ Cơ quan Đảng - Đoàn thể huyện", "agency"),
    ("Đảng bộ Trung tâm Y tế huyện", "agency"),
)


def person_name(rng: random.Random, female: bool, family: dict[str, float]) -> str:
    last = rng.choices(tuple(family), weights=tuple(family.values()))[0]
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    return f"{last} {middle} {given}"


def place_names(
    rng: random.Random, count: int, first: tuple[str, ...], second: tuple[str, ...]
) -> list[str]:
    """`count` distinct two-syllable names; past the pool, numbered ones (tổ dân phố số 3)."""
    pool = [f"{a} {b}" for a in first for b in second if a != b]
    rng.shuffle(pool)
    names = pool[:count]
    names += [f"số {i}" for i in range(1, count - len(names) + 1)]
    return names
