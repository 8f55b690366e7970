"""A labelled set of requests (kiến nghị) raised by branches, as their minutes word them.

Several branches raise the same ask in their own words; other asks share words with it ("đường"
giao thông / "đường" điện / "đường" ống nước; "hỗ trợ" kinh phí / giống / làm nhà; "đất" cấp giấy /
tranh chấp / đền bù). The label of a request is the ask it was generated from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from meetings.requests.grouping import RaisedRequest

VILLAGE_NAMES = (
    "Bản Man|Bản Khản|Bản Lếch|Nà Ràng|Khuổi Củng|Nà Bó|Đông Hà|Tân Lâm|Lâm Hưng"
    "|Phú Thượng|Yên Thịnh|Thống Nhất|Quyết Tiến|Tân Hòa|Phúc Lộc|Xuân Sơn"
)
VILLAGES = VILLAGE_NAMES.split("|")


@dataclass(frozen=True)
class Ask:
    key: str
    level: str
    """"commune" or "province": who is competent."""
    phrasings: tuple[tuple[str, str], ...]
    """(subject, text) templates; {v} the raising village, {w} another, {n} a number."""


ASKS = (
    Ask(
        "road_landslide",
        "commune",
        (
            (
                "Sửa chữa đường liên thôn bị sạt lở",
                "Đề nghị xã sớm khắc phục đoạn đường liên thôn từ {v} đi {w} bị sạt lở sau mưa "
                "lũ, xe máy không đi được.",
            ),
            (
                "Đường liên thôn sạt lở",
                "Đoạn đường giao thông liên thôn {v} – {w} sạt taluy dương, đất đá tràn mặt "
                "đường, đề nghị cấp trên cho máy san gạt.",
            ),
            (
                "Khắc phục sạt lở đường giao thông",
                "Mưa lớn kéo dài làm sạt lở khoảng {n} mét đường liên thôn, nhân dân đi lại khó "
                "khăn, kiến nghị xã bố trí kinh phí khắc phục.",
            ),
            (
                "Đường từ thôn {v} đi {w} bị hư hỏng nặng",
                "Đề nghị UBND xã có phương án sửa chữa tuyến đường liên thôn bị sạt lở, nguy "
                "hiểm cho học sinh đi học.",
            ),
        ),
    ),
    Ask(
        "power_weak",
        "commune",
        (
            (
                "Điện sinh hoạt yếu, trạm biến áp quá tải",
                "Trạm biến áp của thôn {v} thường xuyên quá tải, điện yếu vào giờ cao điểm, đề "
                "nghị điện lực nâng công suất trạm.",
            ),
            (
                "Nâng cấp trạm biến áp",
                "Điện áp cuối đường dây rất thấp, nhiều hộ không dùng được máy bơm, kiến nghị "
                "ngành điện nâng cấp trạm biến áp.",
            ),
            (
                "Điện chập chờn, thường xuyên mất điện",
                "Điện lưới tại thôn {v} chập chờn, mất điện nhiều lần trong tháng do trạm biến áp "
                "quá tải; đề nghị xã làm việc với điện lực.",
            ),
        ),
    ),
    Ask(
        "power_line_new",
        "commune",
        (
            (
                "Kéo đường điện về xóm chưa có điện",
                "Còn {n} hộ ở xóm {w} chưa có điện lưới quốc gia, đề nghị đầu tư kéo đường dây "
                "điện về xóm.",
            ),
            (
                "Đầu tư đường dây điện cho các hộ vùng cao",
                "Các hộ ở khu vực đồi cao thôn {v} vẫn phải dùng máy phát điện nhỏ, kiến nghị "
                "được đầu tư đường điện hạ thế.",
            ),
        ),
    ),
    Ask(
        "water_pipe",
        "commune",
        (
            (
                "Sửa đường ống nước sinh hoạt bị vỡ",
                "Đường ống dẫn nước sinh hoạt tự chảy của thôn {v} bị vỡ nhiều đoạn, nhân dân "
                "thiếu nước, đề nghị xã hỗ trợ sửa chữa.",
            ),
            (
                "Công trình nước sinh hoạt hư hỏng",
                "Công trình cấp nước sinh hoạt tập trung xuống cấp, ống dẫn nước bị gãy, kiến "
                "nghị cấp trên đầu tư sửa chữa để bà con có nước dùng.",
            ),
            (
                "Thiếu nước sinh hoạt mùa khô",
                "Mùa khô bể chứa và đường ống nước của thôn không đủ nước, đề nghị xã khảo sát, "
                "sửa chữa công trình nước sinh hoạt.",
            ),
        ),
    ),
    Ask(
        "land_certificate",
        "commune",
        (
            (
                "Cấp giấy chứng nhận quyền sử dụng đất chậm",
                "Nhiều hộ đã nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất từ lâu nhưng chưa "
                "được cấp, đề nghị xã đôn đốc.",
            ),
            (
                "Đẩy nhanh cấp sổ đỏ cho nhân dân",
                "Kiến nghị đẩy nhanh tiến độ cấp giấy chứng nhận quyền sử dụng đất (sổ đỏ) cho "
                "{n} hộ thôn {v} đã đo đạc xong.",
            ),
            (
                "Hồ sơ cấp giấy chứng nhận đất tồn đọng",
                "Hồ sơ đề nghị cấp giấy chứng nhận quyền sử dụng đất của bà con tồn đọng quá hạn, "
                "đề nghị cấp trên xem xét giải quyết.",
            ),
        ),
    ),
    Ask(
        "land_dispute",
        "commune",
        (
            (
                "Giải quyết tranh chấp đất đai giữa hai hộ",
                "Vụ tranh chấp ranh giới đất đai giữa hai hộ ở thôn {v} kéo dài, hòa giải ở thôn "
                "không thành, đề nghị xã giải quyết.",
            ),
            (
                "Tranh chấp ranh giới đất",
                "Đề nghị UBND xã cử cán bộ địa chính về đo đạc, giải quyết dứt điểm tranh chấp "
                "ranh giới đất giữa các hộ.",
            ),
        ),
    ),
    Ask(
        "land_compensation",
        "province",
        (
            (
                "Đền bù giải phóng mặt bằng chưa thỏa đáng",
                "Mức bồi thường đất nông nghiệp khi giải phóng mặt bằng dự án đường tỉnh thấp hơn "
                "giá thị trường, đề nghị tỉnh xem xét lại đơn giá bồi thường.",
            ),
            (
                "Đơn giá bồi thường đất dự án đường tỉnh",
                "Nhân dân chưa đồng tình với đơn giá bồi thường, hỗ trợ khi thu hồi đất làm đường "
                "tỉnh, kiến nghị điều chỉnh giá đền bù.",
            ),
            (
                "Xem xét lại giá đền bù khi thu hồi đất",
                "Kiến nghị tỉnh điều chỉnh đơn giá bồi thường khi thu hồi đất cho dự án đường "
                "tỉnh qua địa bàn, giá hiện nay quá thấp.",
            ),
        ),
    ),
    Ask(
        "allowance_village",
        "province",
        (
            (
                "Nâng mức phụ cấp cho bí thư chi bộ, trưởng thôn",
                "Mức phụ cấp hằng tháng của bí thư chi bộ và trưởng thôn còn thấp so với khối "
                "lượng công việc, đề nghị tỉnh xem xét nâng mức phụ cấp.",
            ),
            (
                "Phụ cấp người hoạt động không chuyên trách ở thôn thấp",
                "Kiến nghị tăng phụ cấp cho người hoạt động không chuyên trách ở thôn (bí thư, "
                "trưởng thôn, trưởng ban công tác Mặt trận) để họ yên tâm công tác.",
            ),
            (
                "Chế độ phụ cấp cho cán bộ thôn",
                "Sau sáp nhập thôn, khối lượng công việc tăng nhưng phụ cấp của bí thư chi bộ, "
                "trưởng thôn không tăng, đề nghị cấp trên quan tâm điều chỉnh.",
            ),
        ),
    ),
    Ask(
        "merit_payment_late",
        "commune",
        (
            (
                "Chi trả chế độ người có công chậm",
                "Chế độ trợ cấp ưu đãi người có công với cách mạng tháng này chi trả chậm, đề nghị "
                "xã kiểm tra.",
            ),
            (
                "Trợ cấp người có công chưa được chi trả",
                "Một số gia đình người có công ở thôn {v} chưa nhận được trợ cấp ưu đãi {n} tháng "
                "nay, kiến nghị làm rõ nguyên nhân.",
            ),
        ),
    ),
    Ask(
        "support_culture_house",
        "commune",
        (
            (
                "Hỗ trợ kinh phí sửa chữa nhà văn hóa thôn",
                "Nhà văn hóa thôn {v} xây dựng đã lâu, mái dột, tường nứt, đề nghị xã hỗ trợ "
                "kinh phí sửa chữa.",
            ),
            (
                "Nhà văn hóa thôn xuống cấp",
                "Kiến nghị cấp trên hỗ trợ kinh phí nâng cấp nhà văn hóa thôn đã xuống cấp, không "
                "đủ chỗ cho nhân dân hội họp.",
            ),
        ),
    ),
    Ask(
        "support_seed",
        "commune",
        (
            (
                "Hỗ trợ giống lúa cho các hộ bị thiệt hại do lũ",
                "Đợt lũ vừa qua làm mất trắng {n} ha lúa, đề nghị xã hỗ trợ giống lúa để bà con "
                "gieo cấy lại.",
            ),
            (
                "Cấp giống cây trồng sau thiên tai",
                "Kiến nghị hỗ trợ giống lúa, giống ngô cho các hộ bị thiệt hại do mưa lũ để kịp "
                "khôi phục sản xuất.",
            ),
            (
                "Hỗ trợ giống khôi phục sản xuất",
                "Nhiều hộ bị lũ cuốn trôi lúa, đề nghị cấp trên sớm cấp giống lúa hỗ trợ khôi "
                "phục sản xuất vụ mùa.",
            ),
        ),
    ),
    Ask(
        "support_poor_housing",
        "commune",
        (
            (
                "Hỗ trợ làm nhà cho hộ nghèo",
                "Thôn {v} còn {n} hộ nghèo đang ở nhà tạm, dột nát, đề nghị được hỗ trợ làm nhà "
                "theo chương trình xóa nhà tạm.",
            ),
            (
                "Xóa nhà tạm, nhà dột nát cho hộ nghèo",
                "Kiến nghị đưa các hộ nghèo ở nhà tạm vào danh sách hỗ trợ xóa nhà tạm, nhà dột "
                "nát trong năm.",
            ),
        ),
    ),
    Ask(
        "african_swine_fever",
        "commune",
        (
            (
                "Hỗ trợ tiêu hủy lợn mắc dịch tả lợn châu Phi",
                "Dịch tả lợn châu Phi xuất hiện ở thôn {v}, {n} con lợn phải tiêu hủy, đề nghị xã "
                "hỗ trợ kinh phí tiêu hủy và hóa chất khử trùng.",
            ),
            (
                "Dịch tả lợn châu Phi",
                "Kiến nghị sớm chi trả tiền hỗ trợ cho các hộ có lợn bị tiêu hủy do dịch tả lợn "
                "châu Phi.",
            ),
            (
                "Chi hỗ trợ các hộ có lợn bị tiêu hủy",
                "Các hộ chăn nuôi có lợn mắc dịch tả châu Phi phải tiêu hủy chưa nhận được tiền "
                "hỗ trợ, đề nghị xã giải quyết.",
            ),
        ),
    ),
    Ask(
        "cattle_vaccine",
        "commune",
        (
            (
                "Cấp vắc xin tiêm phòng cho trâu, bò",
                "Đề nghị thú y xã cấp đủ vắc xin tiêm phòng viêm da nổi cục cho đàn trâu, bò của "
                "thôn.",
            ),
            (
                "Tiêm phòng bệnh viêm da nổi cục trâu bò",
                "Kiến nghị tổ chức tiêm phòng viêm da nổi cục cho trâu, bò trước mùa mưa, nhiều "
                "hộ lo lắng dịch lây lan.",
            ),
        ),
    ),
    Ask(
        "kindergarten",
        "commune",
        (
            (
                "Sửa chữa điểm trường mầm non xuống cấp",
                "Điểm trường mầm non thôn {v} mái tôn thủng, tường nứt, không an toàn cho các "
                "cháu, đề nghị xã bố trí kinh phí sửa chữa.",
            ),
            (
                "Điểm trường mầm non hư hỏng",
                "Kiến nghị sửa chữa phòng học điểm trường mầm non đã xuống cấp trước năm học mới.",
            ),
        ),
    ),
    Ask(
        "teachers",
        "province",
        (
            (
                "Thiếu giáo viên tiểu học",
                "Trường tiểu học của xã thiếu {n} giáo viên, nhiều lớp phải ghép, đề nghị tỉnh bổ "
                "sung biên chế giáo viên.",
            ),
            (
                "Bổ sung giáo viên cho trường tiểu học",
                "Kiến nghị Sở Giáo dục bổ sung giáo viên tiểu học cho các trường vùng cao còn "
                "thiếu giáo viên.",
            ),
        ),
    ),
    Ask(
        "phone_signal",
        "province",
        (
            (
                "Sóng điện thoại yếu",
                "Thôn {v} chưa có sóng điện thoại di động ổn định, không học trực tuyến và cài "
                "đặt ứng dụng được, đề nghị nhà mạng lắp trạm phát sóng.",
            ),
            (
                "Lắp trạm phát sóng di động",
                "Kiến nghị các nhà mạng đầu tư trạm phát sóng di động cho các thôn vùng lõm sóng.",
            ),
            (
                "Vùng lõm sóng điện thoại",
                "Nhiều khu vực trong thôn mất sóng điện thoại, người dân không dùng được dịch vụ "
                "công trực tuyến, đề nghị cấp trên chỉ đạo phủ sóng.",
            ),
        ),
    ),
    Ask(
        "street_light",
        "commune",
        (
            (
                "Lắp đèn chiếu sáng đường trục thôn",
                "Đường trục thôn {v} chưa có đèn chiếu sáng, đi lại ban đêm nguy hiểm, đề nghị xã "
                "hỗ trợ lắp đèn đường.",
            ),
            (
                "Hỗ trợ kinh phí thắp sáng đường quê",
                "Kiến nghị hỗ trợ kinh phí mua bóng đèn năng lượng mặt trời chiếu sáng đường thôn.",
            ),
        ),
    ),
)


# How minutes frame a request: shared by every ask, so they must not pull two asks together.
PREAMBLES = (
    "",
    "Thay mặt nhân dân thôn {v}, chi bộ kiến nghị: ",
    "Qua sinh hoạt chi bộ, đảng viên và nhân dân phản ánh: ",
    "Chi bộ thống nhất đề xuất với cấp trên nội dung sau: ",
)
CLOSINGS = (
    "",
    " Đề nghị trả lời tại kỳ sinh hoạt chi bộ tháng tới.",
    " Việc này đã kiến nghị nhiều lần nhưng chưa được giải quyết.",
    " Nhân dân rất mong sớm được quan tâm.",
)


@dataclass(frozen=True)
class LabelledRequest:
    request: RaisedRequest
    ask: str


def labelled_requests(seed: int, communes: int = 6) -> list[LabelledRequest]:
    """A month of requests of `communes` communes of 10 branches each, in the order raised.

    Each commune's branches take up a handful of asks; an ask is raised by 1 to 6 branches, each
    in a phrasing of its own (or the commune's circulated wording). Province-level asks go to
    the province from branches of every commune.
    """
    rng = random.Random(seed)
    out: list[LabelledRequest] = []
    counter = 0
    for c in range(communes):
        villages = rng.sample(VILLAGES, 10)
        asks = rng.sample(ASKS, rng.randint(12, len(ASKS)))
        for ask in asks:
            raisers = rng.sample(range(10), rng.choice((1, 1, 2, 3, 4, 6)))
            for b in raisers:
                subject, text = rng.choice(ask.phrasings)
                values = {
                    "v": villages[b],
                    "w": rng.choice([v for v in villages if v != villages[b]]),
                    "n": rng.choice((3, 5, 7, 12, 20, 35, 150)),
                }
                counter += 1
                out.append(
                    LabelledRequest(
                        RaisedRequest(
                            request_id=f"rq-{counter:05d}",
                            branch_id=f"commune-{c}-branch-{b}",
                            addressee_id="province" if ask.level == "province" else f"commune-{c}",
                            subject=subject.format(**values),
                            text=(rng.choice(PREAMBLES) + text + rng.choice(CLOSINGS)).format(
                                **values
                            ),
                        ),
                        ask.key,
                    )
                )
    rng.shuffle(out)
    return out
