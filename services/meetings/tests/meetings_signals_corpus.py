"""A labelled set of Party-branch minutes and resolutions, generated as branches write them.

Each branch writes a year of monthly meetings. Most months are written anew (topics of the season,
its own phrasing, who spoke, the month's count); some are copies of an earlier month with the dates
changed and a few lines edited, some resolutions set no measurable target, some minutes report a
lively discussion without naming anyone, and some branches write the same attendance figures every
month. The labels say what the generator did, not what the rules conclude.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from datetime import date

from meetings.signals.records import AttendanceFigures, MeetingRecord

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Phan",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Nông",
    "Lò",
    "Hà",
    "Đinh",
    "Mai",
    "Trịnh",
    "Quan",
    "Vàng",
    "Sùng",
    "Triệu",
]
MIDDLE_MEN = [
    "Văn",
    "Đức",
    "Minh",
    "Quang",
    "Hữu",
    "Công",
    "Xuân",
    "Thanh",
    "Ngọc",
    "Đình",
    "Văn",
    "Văn",
]
MIDDLE_WOMEN = ["Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Hồng", "Kim"]
GIVEN_MEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Minh",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thắng",
    "Tiến",
    "Toàn",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Sáng",
    "Đốc",
    "Liệu",
    "Lộc",
    "Hưng",
    "Thành",
    "Hòa",
    "Kiên",
    "Chiến",
    "Lợi",
    "Thuận",
    "Tú",
    "Huy",
]
GIVEN_WOMEN = [
    "Anh",
    "Chiêu",
    "Dung",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Mai",
    "Nga",
    "Nhung",
    "Oanh",
    "Phương",
    "Thảo",
    "Thủy",
    "Trang",
    "Vân",
    "Yến",
    "Huyền",
    "Loan",
    "Tâm",
]
VILLAGES = [
    "Bản Man",
    "Bản Khản",
    "Bản Lếch",
    "Đông Hà",
    "Tân Lâm",
    "Lâm Hưng",
    "Nam Điền",
    "Nậm Khòa",
    "Phú Thượng",
    "Yên Thịnh",
    "Hòa Bình",
    "Trung Sơn",
    "Đồng Tâm",
    "Tiến Thành",
    "Khe Lim",
    "Làng Chùa",
    "Cầu Trắng",
    "Nà Ràng",
    "Thượng Lâm",
    "Hạ Lâm",
    "Bản Péo",
    "Nặm Dịch",
    "Thống Nhất",
    "Quyết Tiến",
    "Tân Hòa",
    "Phúc Lộc",
    "Xuân Sơn",
    "Đồng Văn",
]
COMMUNES = [
    "Thạch Ngọc",
    "Nam Điền",
    "Bình Phú",
    "Nậm Khòa",
    "Tân Tiến",
    "Bản Luốc",
    "Minh Ngọc",
    "Thạch Hà",
]


def person(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_MEN)} {rng.choice(GIVEN_MEN)}"
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_WOMEN)} {rng.choice(GIVEN_WOMEN)}"


@dataclass(frozen=True)
class Topic:
    """One subject a branch may take up in a month, in the words branches use for it."""

    key: str
    focus: str
    news: tuple[str, ...]
    results: tuple[str, ...]
    opinions: tuple[str, ...]
    measurable: tuple[str, ...]
    vague: tuple[str, ...]


TOPICS = (
    Topic(
        "road",
        "việc bê tông hóa đường ngõ xóm",
        (
            "Đồng chí Bí thư thông báo xã được phân bổ {q} tấn xi măng hỗ trợ làm đường giao "
            "thông nông thôn theo cơ chế Nhà nước và nhân dân cùng làm.",
            "Phổ biến kế hoạch của Ủy ban nhân dân xã về cứng hóa đường trục thôn, đường ngõ xóm.",
            "Thông tin tiến độ làm đường liên thôn, nhiều hộ đã tự nguyện hiến đất mở rộng mặt "
            "đường.",
        ),
        (
            "Đã vận động {q} hộ hiến đất, tháo dỡ tường rào để mở rộng đường ngõ xóm.",
            "Hoàn thành đổ bê tông {q} mét đường trục thôn, đạt kế hoạch đề ra.",
            "Việc huy động ngày công làm đường còn chậm, mới đạt khoảng {q}% kế hoạch.",
        ),
        (
            "đề nghị chi bộ họp dân công khai mức đóng góp từng hộ trước khi làm đường",
            "cho rằng một số hộ ở xóm trong còn chưa đồng thuận hiến đất, cần đảng viên đến "
            "từng nhà vận động",
            "đề xuất chia đường thành từng đoạn, giao mỗi tổ đảng phụ trách một đoạn",
            "phản ánh đoạn đường qua cầu tràn hay ngập khi mưa, đề nghị nâng cốt nền",
        ),
        (
            "Hoàn thành đổ bê tông {q} mét đường ngõ xóm trước ngày {d}/{n}; giao đồng chí "
            "{owner} phụ trách.",
            "Vận động {q} hộ còn lại hiến đất mở đường; đồng chí {owner} chịu trách nhiệm, báo cáo "
            "tại kỳ sinh hoạt tháng {n}.",
            "Huy động {q} ngày công làm đường trong tháng {n}.",
        ),
        (
            "Tiếp tục vận động nhân dân tham gia xây dựng đường giao thông nông thôn.",
            "Phát huy vai trò của đảng viên trong phong trào làm đường ngõ xóm.",
        ),
    ),
    Topic(
        "livestock",
        "công tác phòng, chống dịch bệnh trên đàn gia súc",
        (
            "Thông tin tình hình dịch tả lợn châu Phi đang diễn biến phức tạp ở một số xã lân cận.",
            "Quán triệt công điện của Ủy ban nhân dân tỉnh về phòng, chống bệnh viêm da nổi cục "
            "trên trâu, bò.",
            "Phổ biến kế hoạch tiêm phòng vụ xuân cho đàn gia súc, gia cầm của xã.",
        ),
        (
            "Đã tiêm phòng cho {q} con trâu, bò, đạt {p}% tổng đàn.",
            "Phun khử trùng chuồng trại cho {q} hộ chăn nuôi trong thôn.",
            "Trong tháng không phát sinh ổ dịch mới trên địa bàn.",
        ),
        (
            "đề nghị thôn lập chốt kiểm soát việc mua bán lợn ốm từ nơi khác về",
            "cho rằng nhiều hộ còn chủ quan, chưa đưa gia súc đi tiêm phòng đầy đủ",
            "đề xuất xin xã thêm vôi bột để rắc khử trùng đường vào các xóm",
            "phản ánh có hộ vứt xác lợn chết xuống suối, cần xử lý nghiêm",
        ),
        (
            "Tiêm phòng cho 100% đàn trâu, bò trong thôn trước ngày {d}/{n}; giao đồng chí {owner} "
            "phối hợp thú y xã thực hiện.",
            "Tổ chức {q} đợt phun khử trùng chuồng trại trong tháng {n}.",
            "Đồng chí {owner} theo dõi, báo cáo ngay khi có gia súc ốm, chết.",
        ),
        (
            "Làm tốt công tác phòng, chống dịch bệnh trên đàn gia súc, gia cầm.",
            "Tuyên truyền để nhân dân nâng cao ý thức phòng dịch.",
        ),
    ),
    Topic(
        "harvest",
        "việc gieo cấy, chăm sóc lúa vụ xuân",
        (
            "Phổ biến lịch thời vụ gieo cấy vụ xuân của huyện, khuyến cáo cấy trong khung thời "
            "vụ tốt nhất.",
            "Thông tin giá phân bón tăng cao, xã có chính sách hỗ trợ giống lúa cho hộ nghèo.",
            "Thông báo dự báo đợt rét đậm, rét hại kéo dài, đề nghị che chắn mạ.",
        ),
        (
            "Toàn thôn gieo cấy được {q} ha lúa, đạt {p}% kế hoạch.",
            "Đã nhận và cấp phát {q} kg giống lúa hỗ trợ cho các hộ.",
            "Diện tích bị chuột hại khoảng {q} sào, đã tổ chức diệt chuột tập trung.",
        ),
        (
            "đề nghị hợp tác xã điều tiết nước sớm cho cánh đồng phía dưới",
            "cho rằng nên đưa giống lúa chất lượng cao vào cấy thử ở một số hộ",
            "đề xuất tổ chức ra quân diệt chuột đồng loạt trong toàn thôn",
            "phản ánh kênh mương nội đồng bị bồi lấp, nước không về kịp",
        ),
        (
            "Cấy xong {q} ha lúa xuân trước ngày {d}/{n}; giao đồng chí {owner} đôn đốc.",
            "Nạo vét {q} mét kênh mương nội đồng trong tháng {n}, đồng chí {owner} phụ trách.",
            "Ra quân diệt chuột ngày {d}/{n}, mỗi hộ cử ít nhất 1 người tham gia.",
        ),
        (
            "Chỉ đạo nhân dân gieo cấy đúng khung thời vụ.",
            "Làm tốt công tác chăm sóc, bảo vệ lúa và hoa màu.",
        ),
    ),
    Topic(
        "dues",
        "công tác thu nộp đảng phí và quản lý đảng viên",
        (
            "Thông báo của Đảng ủy xã về việc chấn chỉnh thu, nộp đảng phí đúng quy định.",
            "Phổ biến Quy định về chế độ đảng phí và hướng dẫn kê khai thu nhập đóng đảng phí.",
            "Đảng ủy xã thông báo kết quả kiểm tra việc thu nộp đảng phí quý trước.",
        ),
        (
            "Đã thu đảng phí của {q} đảng viên, nộp về Đảng ủy xã đúng hạn.",
            "Còn {q} đảng viên chưa nộp đảng phí do đi làm ăn xa.",
            "Cập nhật đầy đủ sổ đảng viên, sổ ghi biên bản của chi bộ.",
        ),
        (
            "đề nghị các đảng viên đi làm ăn xa chuyển đảng phí qua tài khoản cho thủ quỹ",
            "cho rằng cần nhắc nhở một số đồng chí nộp đảng phí chậm nhiều tháng",
            "đề xuất công khai danh sách nộp đảng phí tại kỳ sinh hoạt",
        ),
        (
            "Thu đủ đảng phí của {q} đảng viên, nộp Đảng ủy xã trước ngày {d}/{n}; đồng chí "
            "{owner} chịu trách nhiệm.",
            "Đồng chí {owner} liên hệ {q} đảng viên đi làm ăn xa để thu đảng phí trong tháng {n}.",
        ),
        (
            "Thực hiện tốt việc thu, nộp đảng phí theo quy định.",
            "Tăng cường công tác quản lý đảng viên.",
        ),
    ),
    Topic(
        "recruitment",
        "công tác phát triển đảng viên",
        (
            "Đảng ủy xã giao chỉ tiêu phát triển đảng viên năm nay cho các chi bộ.",
            "Phổ biến hướng dẫn về thủ tục xem xét, kết nạp quần chúng ưu tú vào Đảng.",
            "Thông báo lớp bồi dưỡng nhận thức về Đảng cho quần chúng ưu tú do Trung tâm chính "
            "trị tổ chức.",
        ),
        (
            "Đã giới thiệu {q} quần chúng ưu tú đi học lớp cảm tình Đảng.",
            "Hoàn thiện hồ sơ đề nghị kết nạp {q} quần chúng ưu tú.",
            "Chưa có quần chúng đủ điều kiện để kết nạp trong tháng.",
        ),
        (
            "đề nghị chi bộ quan tâm tạo nguồn trong đoàn viên thanh niên và bộ đội xuất ngũ",
            "giới thiệu một quần chúng là chi hội trưởng phụ nữ, có nhiều đóng góp ở thôn",
            "cho rằng thanh niên đi làm ăn xa nhiều nên tạo nguồn phát triển đảng gặp khó khăn",
        ),
        (
            "Kết nạp {q} quần chúng ưu tú vào Đảng trong quý; giao đồng chí {owner} hướng dẫn "
            "hoàn thiện hồ sơ trước ngày {d}/{n}.",
            "Cử {q} quần chúng đi học lớp bồi dưỡng nhận thức về Đảng trong tháng {n}.",
        ),
        (
            "Quan tâm công tác tạo nguồn phát triển đảng viên.",
            "Tiếp tục bồi dưỡng quần chúng ưu tú để xem xét kết nạp.",
        ),
    ),
    Topic(
        "disaster",
        "công tác phòng, chống thiên tai, tìm kiếm cứu nạn",
        (
            "Quán triệt công điện của Ban Chỉ huy phòng, chống thiên tai tỉnh về chủ động ứng "
            "phó mưa lũ.",
            "Thông tin dự báo mùa mưa bão năm nay có nhiều cơn bão mạnh ảnh hưởng đến khu vực.",
            "Phổ biến phương án sơ tán dân ở các khu vực có nguy cơ sạt lở đất.",
        ),
        (
            "Đã rà soát {q} hộ sống ở vùng có nguy cơ sạt lở, lập danh sách báo cáo xã.",
            "Huy động {q} ngày công khơi thông cống rãnh trước mùa mưa.",
            "Đợt mưa lớn vừa qua làm hư hỏng {q} mét đường và một số diện tích hoa màu.",
        ),
        (
            "đề nghị kiểm tra lại bờ kè đầu thôn, nhiều chỗ đã nứt",
            "cho rằng cần chuẩn bị sẵn lương thực, nước uống cho các hộ ở vùng thấp",
            "đề xuất thành lập tổ xung kích do thanh niên làm nòng cốt",
            "phản ánh một số hộ vẫn chủ quan, không chịu di dời khi có mưa lớn",
        ),
        (
            "Kiện toàn tổ xung kích phòng chống thiên tai {q} người trước ngày {d}/{n}; giao đồng "
            "chí {owner} làm tổ trưởng.",
            "Khơi thông toàn bộ cống rãnh trong thôn trước mùa mưa bão; đồng chí {owner} phụ "
            "trách.",
            "Di dời {q} hộ ra khỏi vùng nguy hiểm khi có cảnh báo mưa lớn.",
        ),
        (
            "Chủ động phòng, chống thiên tai, bảo đảm an toàn tính mạng, tài sản của nhân dân.",
            "Thực hiện tốt phương châm bốn tại chỗ.",
        ),
    ),
    Topic(
        "insurance",
        "việc vận động nhân dân tham gia bảo hiểm y tế",
        (
            "Bảo hiểm xã hội huyện thông báo tỷ lệ bao phủ bảo hiểm y tế của xã còn thấp so với "
            "chỉ tiêu.",
            "Phổ biến chính sách hỗ trợ mức đóng bảo hiểm y tế cho hộ cận nghèo và hộ làm nông "
            "nghiệp có mức sống trung bình.",
        ),
        (
            "Vận động được thêm {q} người tham gia bảo hiểm y tế hộ gia đình.",
            "Tỷ lệ người dân tham gia bảo hiểm y tế của thôn đạt {p}%.",
        ),
        (
            "đề nghị đại lý thu bảo hiểm về tận thôn để bà con đỡ đi lại",
            "cho rằng nhiều hộ chưa tham gia vì thủ tục khám chữa bệnh còn phiền hà",
            "đề xuất mỗi đảng viên vận động ít nhất một hộ tham gia bảo hiểm y tế",
        ),
        (
            "Nâng tỷ lệ tham gia bảo hiểm y tế của thôn lên {p}% trong tháng {n}; giao đồng chí "
            "{owner} phối hợp đại lý thu.",
            "Mỗi đảng viên vận động ít nhất 1 hộ tham gia bảo hiểm y tế trước ngày {d}/{n}.",
        ),
        (
            "Đẩy mạnh tuyên truyền về chính sách bảo hiểm y tế.",
            "Vận động nhân dân tích cực tham gia bảo hiểm y tế.",
        ),
    ),
    Topic(
        "security",
        "công tác giữ gìn an ninh trật tự, phòng chống tệ nạn xã hội",
        (
            "Công an xã thông tin tình hình lừa đảo qua mạng xã hội, chiếm đoạt tài sản của người "
            "dân.",
            "Phổ biến kế hoạch cao điểm tấn công, trấn áp tội phạm dịp cuối năm.",
            "Thông báo về việc thu hồi vũ khí, vật liệu nổ, công cụ hỗ trợ trong nhân dân.",
        ),
        (
            "Trên địa bàn không xảy ra vụ việc phức tạp về an ninh trật tự.",
            "Tổ an ninh thôn đã tổ chức {q} buổi tuần tra ban đêm.",
            "Hòa giải thành {q} vụ tranh chấp đất đai giữa các hộ.",
        ),
        (
            "đề nghị tăng cường tuần tra khu vực bãi sông vào ban đêm",
            "phản ánh có đối tượng lạ thường xuyên vào thôn thu mua phế liệu",
            "cho rằng cần nhắc nhở phụ huynh quản lý con em, tránh tụ tập đua xe",
            "đề xuất lắp thêm camera an ninh ở ngã ba đầu thôn",
        ),
        (
            "Tổ chức {q} buổi tuần tra ban đêm trong tháng {n}; giao đồng chí {owner} phối hợp "
            "công an viên thực hiện.",
            "Lắp {q} camera an ninh tại các điểm giao cắt trước ngày {d}/{n}.",
        ),
        (
            "Giữ vững an ninh chính trị, trật tự an toàn xã hội trên địa bàn.",
            "Phát huy phong trào toàn dân bảo vệ an ninh Tổ quốc.",
        ),
    ),
    Topic(
        "environment",
        "việc giữ gìn vệ sinh môi trường, thu gom rác thải",
        (
            "Phổ biến kế hoạch ra quân tổng vệ sinh môi trường hưởng ứng Ngày Môi trường thế giới.",
            "Thông tin về việc xã ký hợp đồng thu gom rác thải sinh hoạt với hợp tác xã dịch vụ.",
        ),
        (
            "Tổ chức {q} buổi tổng vệ sinh đường làng, ngõ xóm.",
            "Vận động {q} hộ phân loại rác thải tại nguồn.",
            "Tình trạng đổ rác ra bờ sông vẫn còn ở một số hộ.",
        ),
        (
            "đề nghị bố trí thêm điểm tập kết rác ở cuối thôn",
            "cho rằng nên đưa việc giữ vệ sinh vào hương ước của thôn",
            "đề xuất chi hội phụ nữ nhận trồng hoa dọc đường trục thôn",
        ),
        (
            "Ra quân tổng vệ sinh toàn thôn vào ngày {d}/{n}, huy động 100% hộ gia đình tham gia; "
            "giao đồng chí {owner} chủ trì.",
            "Trồng {q} mét đường hoa dọc trục thôn trong tháng {n}.",
        ),
        (
            "Giữ gìn vệ sinh môi trường xanh, sạch, đẹp.",
            "Nâng cao ý thức của nhân dân trong bảo vệ môi trường.",
        ),
    ),
    Topic(
        "digital",
        "việc triển khai chuyển đổi số ở thôn",
        (
            "Phổ biến Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử.",
            "Hướng dẫn đảng viên cài đặt và sử dụng ứng dụng Sổ tay đảng viên điện tử.",
            "Thông tin việc thanh toán không dùng tiền mặt khi nhận lương hưu, trợ cấp.",
        ),
        (
            "Đã hướng dẫn {q} người dân kích hoạt tài khoản định danh điện tử mức độ 2.",
            "{q} đảng viên đã cài đặt Sổ tay đảng viên điện tử.",
        ),
        (
            "đề nghị tổ công nghệ số cộng đồng đến hỗ trợ người cao tuổi",
            "cho rằng sóng điện thoại ở xóm trong còn yếu nên khó cài đặt ứng dụng",
            "đề xuất lập nhóm Zalo của thôn để thông tin nhanh",
        ),
        (
            "Hướng dẫn {q} người kích hoạt tài khoản định danh điện tử trước ngày {d}/{n}; giao "
            "đồng chí {owner} phụ trách.",
            "100% đảng viên cài đặt Sổ tay đảng viên điện tử trong tháng {n}.",
        ),
        (
            "Đẩy mạnh chuyển đổi số trên địa bàn.",
            "Khuyến khích nhân dân sử dụng các dịch vụ công trực tuyến.",
        ),
    ),
    Topic(
        "poverty",
        "công tác giảm nghèo bền vững",
        (
            "Phổ biến kế hoạch rà soát hộ nghèo, hộ cận nghèo cuối năm theo chuẩn nghèo đa chiều.",
            "Thông tin chương trình cho vay vốn ưu đãi của Ngân hàng Chính sách xã hội.",
        ),
        (
            "Đã hỗ trợ {q} hộ nghèo vay vốn phát triển chăn nuôi.",
            "Thôn còn {q} hộ nghèo, {q} hộ cận nghèo.",
            "Giúp {q} ngày công sửa nhà cho hộ nghèo neo đơn.",
        ),
        (
            "đề nghị rà soát công khai, đúng đối tượng, tránh tình trạng hộ muốn được vào diện "
            "nghèo",
            "đề xuất giao mỗi đảng viên giúp đỡ một hộ nghèo cụ thể",
            "cho rằng nên hỗ trợ con giống thay vì hỗ trợ tiền mặt",
        ),
        (
            "Rà soát hộ nghèo, cận nghèo xong trước ngày {d}/{n}; giao đồng chí {owner} chủ trì.",
            "Giúp {q} hộ nghèo thoát nghèo trong năm; mỗi đảng viên phụ trách 1 hộ.",
        ),
        (
            "Thực hiện có hiệu quả các chính sách giảm nghèo.",
            "Quan tâm giúp đỡ các hộ có hoàn cảnh khó khăn.",
        ),
    ),
    Topic(
        "recruits",
        "công tác tuyển chọn và gọi công dân nhập ngũ",
        (
            "Quán triệt kế hoạch tuyển chọn và gọi công dân nhập ngũ của huyện.",
            "Ban Chỉ huy quân sự xã thông báo lịch khám sức khỏe nghĩa vụ quân sự.",
        ),
        (
            "Thôn có {q} thanh niên trúng tuyển nghĩa vụ quân sự.",
            "Đã tổ chức gặp mặt, tặng quà {q} tân binh trước ngày lên đường.",
        ),
        (
            "đề nghị gia đình có con trong độ tuổi tạo điều kiện cho con khám tuyển",
            "cho rằng cần quan tâm giới thiệu việc làm cho bộ đội xuất ngũ",
        ),
        (
            "Bảo đảm {q} thanh niên có mặt khám sức khỏe nghĩa vụ quân sự ngày {d}/{n}; giao đồng "
            "chí {owner} đôn đốc.",
        ),
        ("Làm tốt công tác tuyển quân năm nay.", "Thực hiện tốt công tác quốc phòng địa phương."),
    ),
    Topic(
        "tet",
        "việc chuẩn bị cho nhân dân đón Tết",
        (
            "Phổ biến chỉ thị của Ban Thường vụ về tổ chức Tết vui tươi, lành mạnh, an toàn, "
            "tiết kiệm.",
            "Thông tin kế hoạch thăm, tặng quà các gia đình chính sách dịp Tết.",
        ),
        (
            "Đã thăm, tặng {q} suất quà cho gia đình chính sách, hộ nghèo.",
            "Tổ chức trồng {q} cây xanh trong Tết trồng cây.",
        ),
        (
            "đề nghị quan tâm hơn đến các cụ cao tuổi sống một mình dịp Tết",
            "phản ánh tình trạng đốt pháo nổ vẫn còn ở một số thanh niên",
            "đề xuất tổ chức giải bóng chuyền mừng Xuân cho thanh niên",
        ),
        (
            "Tặng {q} suất quà cho gia đình chính sách trước ngày {d}/{n}; giao đồng chí {owner} "
            "lập danh sách.",
            "Trồng {q} cây xanh trong dịp Tết trồng cây.",
        ),
        (
            "Tổ chức cho nhân dân đón Tết vui tươi, an toàn.",
            "Quan tâm các gia đình chính sách dịp Tết.",
        ),
    ),
    Topic(
        "school",
        "việc chuẩn bị năm học mới",
        (
            "Thông tin kế hoạch tựu trường, khai giảng năm học mới của các trường trên địa bàn.",
            "Phổ biến chính sách miễn, giảm học phí và hỗ trợ chi phí học tập.",
        ),
        (
            "Vận động {q} cháu trong độ tuổi ra lớp, đạt 100%.",
            "Tặng {q} suất học bổng cho học sinh nghèo vượt khó.",
        ),
        (
            "đề nghị sửa lại mái phòng học điểm trường thôn trước khai giảng",
            "cho rằng cần quan tâm các cháu có nguy cơ bỏ học ở xóm trong",
        ),
        (
            "Huy động 100% trẻ trong độ tuổi ra lớp trước ngày {d}/{n}; đồng chí {owner} phụ "
            "trách.",
            "Sửa chữa {q} phòng học điểm trường thôn trong tháng {n}.",
        ),
        ("Quan tâm công tác khuyến học, khuyến tài.", "Chăm lo cho các cháu đến trường."),
    ),
    Topic(
        "criticism",
        "tự phê bình và phê bình, học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        (
            "Quán triệt chuyên đề học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh "
            "năm nay.",
            "Phổ biến Kết luận số 21-KL/TW về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính "
            "trị.",
            "Thông tin Quy định số 144-QĐ/TW về chuẩn mực đạo đức cách mạng của cán bộ, đảng viên.",
        ),
        (
            "{q} đảng viên đã đăng ký việc làm cụ thể làm theo gương Bác.",
            "Chi bộ đã biểu dương {q} đảng viên tiêu biểu trong phong trào thi đua.",
        ),
        (
            "nêu một số đảng viên còn ngại va chạm, né tránh khi góp ý",
            "đề nghị mỗi đảng viên đăng ký một việc làm cụ thể và báo cáo kết quả hằng tháng",
            "tự nhận còn chưa gương mẫu trong việc tham gia các phong trào của thôn",
            "cho rằng chi bộ cần chọn một vấn đề trọng tâm mỗi tháng thay vì bàn dàn trải",
        ),
        (
            "100% đảng viên đăng ký việc làm làm theo gương Bác trước ngày {d}/{n}; đồng chí "
            "{owner} tổng hợp.",
            "Mỗi đảng viên báo cáo kết quả việc làm đã đăng ký tại kỳ sinh hoạt tháng {n}.",
        ),
        (
            "Tiếp tục đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh theo "
            "Chỉ thị 05-CT/TW.",
            "Nêu cao tinh thần tự phê bình và phê bình theo Nghị quyết Trung ương 4 khóa XII.",
        ),
    ),
    Topic(
        "water",
        "việc sử dụng nước sạch và sửa chữa công trình cấp nước",
        (
            "Thông tin công trình cấp nước sinh hoạt tập trung của thôn bị hư hỏng đường ống.",
            "Phổ biến kế hoạch của xã về nâng cao tỷ lệ hộ dùng nước sạch.",
        ),
        (
            "Đã sửa {q} mét đường ống dẫn nước bị vỡ.",
            "Tỷ lệ hộ dùng nước hợp vệ sinh đạt {p}%.",
        ),
        (
            "đề nghị thành lập tổ quản lý công trình nước, thu phí để bảo dưỡng",
            "phản ánh nước về xóm cuối rất yếu vào mùa khô",
        ),
        (
            "Sửa {q} mét đường ống cấp nước trước ngày {d}/{n}; giao đồng chí {owner} phụ trách.",
            "Thành lập tổ quản lý công trình nước {q} người trong tháng {n}.",
        ),
        ("Quan tâm bảo vệ công trình cấp nước.", "Vận động nhân dân sử dụng nước sạch tiết kiệm."),
    ),
)

GENERAL_NEWS = (
    "Đồng chí Bí thư thông tin tình hình kinh tế - xã hội của xã trong tháng qua.",
    "Chi bộ nghe phổ biến những điểm mới trong các văn bản của cấp trên gửi về.",
    "Thông tin một số sự kiện thời sự nổi bật trong nước và quốc tế thời gian qua.",
    "Đồng chí đại biểu Đảng ủy xã thông tin nhiệm vụ trọng tâm của Đảng bộ xã trong tháng.",
    "Quán triệt kế hoạch của Đảng ủy xã về kiểm tra, giám sát chi bộ trong năm.",
)
IDEOLOGY = (
    "Tình hình tư tưởng của đảng viên và nhân dân trong thôn cơ bản ổn định, tin tưởng vào sự "
    "lãnh đạo của Đảng.",
    "Đảng viên và nhân dân phấn khởi, đồng thuận với chủ trương của cấp ủy, chính quyền.",
    "Một bộ phận nhân dân còn băn khoăn về giá cả vật tư nông nghiệp tăng cao.",
    "Nhân dân quan tâm đến tiến độ giải quyết các kiến nghị đã gửi lên xã.",
    "Một số hộ còn lo lắng về tình hình thời tiết bất thường ảnh hưởng đến sản xuất.",
    "Tư tưởng đảng viên ổn định; một số đảng viên cao tuổi sức khỏe yếu nhưng vẫn tham gia "
    "sinh hoạt đầy đủ.",
)
OPENINGS = (
    "Hôm nay, vào hồi {h} giờ {mi} phút ngày {date}, tại {place}, {branch} tiến hành sinh hoạt "
    "thường kỳ tháng {m}/{y}.",
    "Vào lúc {h} giờ {mi}, ngày {d} tháng {m} năm {y}, {branch} tổ chức sinh hoạt định kỳ tại "
    "{place}.",
    "Thực hiện chương trình công tác, {branch} họp phiên thường kỳ tháng {m} năm {y} vào hồi "
    "{h}h{mi} ngày {date} tại {place}.",
)
CHAIRS = (
    "Chủ trì: đồng chí {sec}, Bí thư chi bộ. Thư ký: đồng chí {mt}.",
    "Đồng chí {sec}, Bí thư chi bộ chủ trì; đồng chí {mt} làm thư ký.",
    "Chủ trì hội nghị: đồng chí {sec} – Bí thư chi bộ; thư ký: đồng chí {mt}, chi ủy viên.",
)
ROLL_LINES = (
    "Tổng số đảng viên của chi bộ: {n} đồng chí; có mặt {p} đồng chí; vắng có lý do {e} đồng "
    "chí{why}; vắng không lý do {u} đồng chí.",
    "Chi bộ có {n} đảng viên, có mặt {p}, vắng {a} (có lý do {e}{why}, không lý do {u}).",
)
GUESTS = (
    "Đại biểu tham dự: đồng chí {obs}, Đảng ủy viên, phụ trách chi bộ.",
    "Dự sinh hoạt có đồng chí {obs}, cán bộ Đảng ủy xã được phân công theo dõi chi bộ.",
)
AGENDA = (
    "Đồng chí chủ trì tuyên bố lý do, giới thiệu đại biểu và thông qua chương trình sinh hoạt.",
    "Chi bộ biểu quyết thông qua chương trình sinh hoạt, 100% đảng viên có mặt nhất trí.",
)
REASONS = ("ốm", "đi làm ăn xa", "đi công tác", "có việc gia đình", "đi viện chăm người nhà")
NAMED_FORMS = (
    "- Đồng chí {name}: {opinion}.",
    "Đồng chí {name} phát biểu, {opinion}.",
    "Ý kiến của đồng chí {name}: {opinion}.",
    "- Đ/c {given}: {opinion}.",
    "Đồng chí {name} {opinion}.",
    "Đồng chí {name}, chi hội trưởng Chi hội Nông dân, {opinion}.",
    "Đ/c {given} (tổ đảng số 2) {opinion}.",
)
UNNAMED_FORMS = (
    "Các đồng chí đảng viên tham gia thảo luận sôi nổi, tập trung vào {focus}; các ý kiến đều "
    "nhất trí với báo cáo của chi ủy.",
    "Có {k} ý kiến phát biểu, đóng góp vào {focus}.",
    "Ý kiến thảo luận sôi nổi, thẳng thắn, đi vào {focus}.",
    "Đảng viên tích cực tham gia ý kiến về {focus}, nhiều ý kiến tâm huyết, trách nhiệm.",
    "Qua thảo luận, các đồng chí đều thống nhất cao với nội dung do chi ủy chuẩn bị về {focus}.",
)
CRITICISM = (
    "Chi bộ biểu dương đồng chí {a} gương mẫu trong phong trào của thôn.",
    "Chi bộ nhắc nhở đồng chí {a} cần tham gia sinh hoạt đầy đủ hơn.",
    "Trong phần tự phê bình, đồng chí {a} nhận khuyết điểm chậm nộp đảng phí.",
)
CLOSINGS = (
    "Đồng chí chủ trì kết luận, thống nhất các nhiệm vụ tháng tới.",
    "Chi bộ tự chấm điểm chất lượng sinh hoạt: {score} điểm, xếp loại {grade}.",
    "Buổi sinh hoạt kết thúc vào hồi {h2} giờ {mi} cùng ngày. Biên bản đã được đọc lại cho chi "
    "bộ nghe và nhất trí thông qua.",
)
# Lines of minutes that name people without their speaking: a rule must not take them for speakers.
NAMES_NOT_SPEAKING = (
    "Chi bộ thống nhất đề nghị Đảng ủy xã khen thưởng đồng chí {a} có thành tích trong phong "
    "trào của thôn.",
    "Đồng chí Bí thư tiếp thu các ý kiến và giải trình thêm một số nội dung.",
    "Chi bộ nhắc nhở đồng chí {a} chưa tham gia ý kiến tại các kỳ sinh hoạt.",
    "Giới thiệu đồng chí {a} chuyển sinh hoạt đảng về chi bộ từ tháng trước.",
)
# Tasks that set a target in a way the topic's own tasks do not.
MEASURABLE_GENERAL = (
    "Phấn đấu 100% đảng viên dự sinh hoạt đầy đủ, đúng giờ.",
    "Giao tổ đảng số 2 phụ trách vận động các hộ xóm dưới.",
    "Đồng chí Trưởng thôn chịu trách nhiệm tổng hợp kiến nghị của nhân dân, báo cáo chi bộ chậm "
    "nhất ngày 30 tháng {n}.",
    "Kết nạp hai đảng viên mới trong năm.",
)
VAGUE_GENERAL = (
    "Tiếp tục lãnh đạo, chỉ đạo thực hiện tốt nhiệm vụ chính trị của địa phương.",
    "Tăng cường công tác tuyên truyền, vận động nhân dân chấp hành tốt chủ trương của Đảng, "
    "chính sách, pháp luật của Nhà nước.",
    "Nâng cao chất lượng sinh hoạt chi bộ theo Hướng dẫn số 12-HD/BTCTW ngày 06/7/2018 của Ban "
    "Tổ chức Trung ương.",
    "Phát huy vai trò tiên phong, gương mẫu của cán bộ, đảng viên trong thời gian tới.",
    "Thực hiện tốt Nghị quyết Đại hội Đảng bộ xã nhiệm kỳ 2025 - 2030.",
    "Tiếp tục thực hiện Nghị quyết số 15-NQ/ĐU ngày 20/12/2025 của Đảng ủy xã.",
    "Phát huy kết quả đạt được trong 6 tháng đầu năm, phấn đấu hoàn thành các chỉ tiêu năm 2026.",
    "Lãnh đạo thực hiện tốt 3 nhiệm vụ trọng tâm đã đề ra.",
    "Đảng viên thực hiện tốt Quy định 08-QĐi/TW về trách nhiệm nêu gương.",
)


@dataclass(frozen=True)
class Branch:
    id: str
    name: str
    place: str
    members: tuple[str, ...]
    observer: str
    style: int
    """Which wordings this branch's secretary habitually uses."""

    @property
    def secretary(self) -> str:
        return self.members[0]


@dataclass(frozen=True)
class LabelledMeeting:
    record: MeetingRecord
    copied_minutes: bool
    copied_resolution: bool
    vague_resolution: bool
    unnamed_speakers: bool
    attendance_copied: bool


def make_branch(rng: random.Random, index: int) -> Branch:
    village = rng.choice(VILLAGES)
    commune = rng.choice(COMMUNES)
    if rng.random() < 0.75:
        name, place = f"Chi bộ thôn {village}", f"Nhà văn hóa thôn {village}"
        size = rng.randint(10, 45)
    else:
        unit = rng.choice(("Trường Tiểu học", "Trường Mầm non", "Trạm Y tế xã"))
        name, place = f"Chi bộ {unit} {commune}", f"phòng họp {unit} {commune}"
        size = rng.randint(6, 20)
    members = tuple(dict.fromkeys(person(rng) for _ in range(size * 2)))[:size]
    return Branch(f"branch-{index:03d}", name, place, members, person(rng), rng.randrange(1000))


def _habitual(rng: random.Random, branch: Branch, pool: tuple[str, ...], slot: int) -> str:
    """Secretaries reuse their own wording month after month, and now and then vary it."""
    if rng.random() < 0.8:
        return pool[(branch.style + slot) % len(pool)]
    return rng.choice(pool)


def _given(name: str) -> str:
    return name.split()[-1]


def _roll(rng: random.Random, branch: Branch, diligence: float) -> AttendanceFigures:
    n = len(branch.members)
    present = sum(rng.random() < diligence for _ in range(n))
    absent = n - present
    unexcused = sum(rng.random() < 0.2 for _ in range(absent))
    return AttendanceFigures(n, present, absent - unexcused, unexcused)


@dataclass
class Month:
    """What a branch did in a month, before it is written down."""

    held_on: date
    topics: tuple[Topic, ...]
    figures: AttendanceFigures
    named: bool
    measurable: bool


def _fill(template: str, rng: random.Random, branch: Branch, held_on: date) -> str:
    nxt = held_on.month % 12 + 1
    return template.format(
        q=rng.choice((2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 120, 250, 300, 500)),
        p=rng.choice((75, 80, 85, 90, 92, 95, 98)),
        d=rng.choice((10, 15, 20, 25, 28)),
        n=nxt,
        owner=rng.choice(branch.members[:6]),
    )


def write_minutes(rng: random.Random, branch: Branch, month: Month) -> tuple[list[str], list[str]]:
    """(minutes lines, names of those who spoke)."""
    d, m, y = month.held_on.day, month.held_on.month, month.held_on.year
    h = rng.choice((7, 8, 14, 19, 19, 20))
    mi = rng.choice(("00", "15", "30"))
    f = month.figures
    absentees = rng.sample(branch.members[1:], f.excused + f.unexcused)
    why = (
        " ("
        + ", ".join(f"đồng chí {a} {rng.choice(REASONS)}" for a in absentees[: f.excused])
        + ")"
        if f.excused
        else ""
    )
    minute_taker = rng.choice(branch.members[1:4])
    title = rng.choice(
        (
            f"BIÊN BẢN SINH HOẠT CHI BỘ THƯỜNG KỲ THÁNG {m}/{y}",
            f"BIÊN BẢN HỌP CHI BỘ THÁNG {m} NĂM {y}",
        )
    )
    lines = [
        title,
        _habitual(rng, branch, OPENINGS, 0).format(
            h=h,
            mi=mi,
            date=f"{d:02d}/{m:02d}/{y}",
            d=d,
            m=m,
            y=y,
            place=branch.place,
            branch=branch.name,
        ),
        _habitual(rng, branch, CHAIRS, 1).format(sec=branch.secretary, mt=minute_taker),
        _habitual(rng, branch, ROLL_LINES, 2).format(
            n=f.members,
            p=f.present,
            e=f.excused,
            u=f.unexcused,
            a=f.excused + f.unexcused,
            why=why,
        ),
    ]
    if rng.random() < 0.6:
        lines.append(_habitual(rng, branch, GUESTS, 3).format(obs=branch.observer))
    lines.append(_habitual(rng, branch, AGENDA, 4))
    lines.append("I. THÔNG TIN THỜI SỰ, PHỔ BIẾN VĂN BẢN CẤP TRÊN")
    lines += [_habitual(rng, branch, GENERAL_NEWS, 5), _habitual(rng, branch, GENERAL_NEWS, 6)]
    for topic in month.topics:
        news = rng.sample(topic.news, min(2, len(topic.news)))
        lines += [_fill(t, rng, branch, month.held_on) for t in news]
    lines.append("II. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT THÁNG TRƯỚC")
    for topic in month.topics:
        lines += [_fill(t, rng, branch, month.held_on) for t in rng.sample(topic.results, 2)]
    lines.append(
        "Tình hình tư tưởng: " + _habitual(rng, branch, IDEOLOGY, 7) + " " + rng.choice(IDEOLOGY)
    )
    lines.append("III. THẢO LUẬN")
    focus = " và ".join(t.focus for t in month.topics)
    spoke: list[str] = []
    if month.named:
        present = [p for p in branch.members if p not in absentees]
        speakers = rng.sample(present, min(len(present), rng.randint(2, 6)))
        for speaker, topic in zip(
            speakers, rng.choices(month.topics, k=len(speakers)), strict=True
        ):
            opinion = rng.choice(topic.opinions)
            lines.append(
                rng.choice(NAMED_FORMS).format(name=speaker, given=_given(speaker), opinion=opinion)
            )
            spoke.append(speaker)
        if rng.random() < 0.2 and len(present) >= 3:
            listed = rng.sample(present, min(len(present), 3))
            lines.append(
                f"Ý kiến tham gia gồm các đồng chí: {listed[0]}, {listed[1]} và {listed[2]}; các ý "
                f"kiến đều tập trung vào {focus}."
            )
            spoke += [p for p in listed if p not in spoke]
        if rng.random() < 0.3:  # a named record may still praise the discussion
            lines.append(rng.choice(UNNAMED_FORMS).format(focus=focus, k=len(speakers)))
    else:
        lines.append(rng.choice(UNNAMED_FORMS).format(focus=focus, k=rng.randint(3, 9)))
        if rng.random() < 0.5:
            lines.append(rng.choice(UNNAMED_FORMS).format(focus=focus, k=rng.randint(3, 9)))
        if rng.random() < 0.6:
            lines.append(rng.choice(NAMES_NOT_SPEAKING).format(a=rng.choice(branch.members[1:])))
    lines.append(rng.choice(CRITICISM).format(a=rng.choice(branch.members)))
    lines.append("IV. NHIỆM VỤ THÁNG TỚI")
    for topic in month.topics:
        pool = topic.measurable if month.measurable else topic.vague
        lines.append(_fill(rng.choice(pool), rng, branch, month.held_on))
    for closing in CLOSINGS:
        lines.append(
            closing.format(
                score=rng.randint(86, 98), grade=rng.choice(("Tốt", "Khá")), h2=h + 2, mi=mi
            )
        )
    return lines, spoke


def write_resolution(rng: random.Random, branch: Branch, month: Month) -> list[str]:
    d, m, y = month.held_on.day, month.held_on.month, month.held_on.year
    f = month.figures
    nxt = m % 12 + 1
    lines = [
        rng.choice((f"NGHỊ QUYẾT CHI BỘ THÁNG {m}/{y}", f"NGHỊ QUYẾT SINH HOẠT CHI BỘ THÁNG {m}")),
        f"Ngày {d:02d}/{m:02d}/{y}, {branch.name} họp phiên thường kỳ. Tổng số đảng viên "
        f"{f.members}, có mặt {f.present}, vắng {f.excused + f.unexcused}.",
        rng.choice(
            (f"I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG {(m - 2) % 12 + 1}", "I. KẾT QUẢ THÁNG TRƯỚC")
        ),
    ]
    for topic in month.topics:
        lines.append(_fill(rng.choice(topic.results), rng, branch, month.held_on))
    lines.append(
        rng.choice((f"II. NHIỆM VỤ TRỌNG TÂM THÁNG {nxt}", "II. PHƯƠNG HƯỚNG, NHIỆM VỤ THÁNG TỚI"))
    )
    # A third of the measurable resolutions set their only target in a general task.
    only_general = month.measurable and rng.random() < 0.3
    tasks = []
    for topic in month.topics:
        pool = topic.measurable if month.measurable and not only_general else topic.vague
        tasks.append(_fill(rng.choice(pool), rng, branch, month.held_on))
    if only_general:
        tasks.append(_fill(rng.choice(MEASURABLE_GENERAL), rng, branch, month.held_on))
    tasks += rng.sample(VAGUE_GENERAL, 2)
    rng.shuffle(tasks)
    lines += [f"{i}. {t}" for i, t in enumerate(tasks, 1)]
    lines.append(
        "Chi ủy, các tổ đảng và toàn thể đảng viên có trách nhiệm tổ chức thực hiện nghị quyết này."
    )
    lines.append(
        f"Nghị quyết được {f.present}/{f.present} đảng viên có mặt biểu quyết tán thành (100%)."
    )
    lines.append(f"T/M CHI BỘ\nBÍ THƯ\n{branch.secretary}")
    return lines


def _shift_dates(text: str, old: date, new: date, careful: bool) -> str:
    """What a copier changes: the day and month of the meeting, and, if careful, every month."""
    text = text.replace(f"{old.day:02d}/{old.month:02d}/{old.year}", f"{new:%d/%m/%Y}")
    text = text.replace(f"ngày {old.day} tháng {old.month}", f"ngày {new.day} tháng {new.month}")
    text = re.sub(rf"THÁNG {old.month}\b", f"THÁNG {new.month}", text)
    if careful:
        text = re.sub(rf"(tháng|THÁNG) {old.month}\b", rf"\g<1> {new.month}", text)
        nxt_old, nxt_new = old.month % 12 + 1, new.month % 12 + 1
        text = re.sub(rf"/{nxt_old}\b", f"/{nxt_new}", text)
    return text


def _edit_lines(rng: random.Random, lines: list[str], fresh: list[str], changes: int) -> list[str]:
    """Replace, drop or add a few lines (never the title)."""
    out = list(lines)
    for _ in range(changes):
        action = rng.random()
        i = rng.randrange(1, len(out))
        if action < 0.6 and fresh:
            out[i] = rng.choice(fresh)
        elif action < 0.8 and len(out) > 5:
            del out[i]
        elif fresh:
            out.insert(i, rng.choice(fresh))
    return out


def _results_section(lines: list[str]) -> tuple[int, int]:
    start = next(i for i, line in enumerate(lines) if line.startswith("I. ")) + 1
    end = next(i for i, line in enumerate(lines) if line.startswith("II. "))
    return start, end


def _edit_results(
    rng: random.Random, lines: list[str], fresh: list[str], changes: int
) -> list[str]:
    """Replace, drop or add a few of last month's results; the tasks stay as they were."""
    out = list(lines)
    for _ in range(changes):
        start, end = _results_section(out)
        i = rng.randrange(start, end + 1)
        action = rng.random()
        if action < 0.6 and i < end:
            out[i] = rng.choice(fresh)
        elif action < 0.8 and i < end and end - start > 1:
            del out[i]
        else:
            out.insert(i, rng.choice(fresh))
    return out


def _with_figures(text: str, old: AttendanceFigures, new: AttendanceFigures) -> str:
    if old == new:
        return text
    text = re.sub(rf"có mặt {old.present}\b", f"có mặt {new.present}", text)
    return re.sub(rf"\b{old.present}/{old.present}\b", f"{new.present}/{new.present}", text)


@dataclass
class Habits:
    """How a branch writes its records; honest branches still slip now and then."""

    copies: float
    vague: float
    unnamed: float
    frozen_roll: bool
    diligence: float


def branch_year(
    rng: random.Random, branch: Branch, habits: Habits, year: int = 2026, months: int = 12
) -> list[LabelledMeeting]:
    out: list[LabelledMeeting] = []
    written: list[tuple[Month, list[str], list[str], list[str]]] = []
    frozen_from = rng.randint(2, 6) if habits.frozen_roll else 99
    last: AttendanceFigures | None = None
    run = 0
    topics_before: tuple[Topic, ...] = ()
    for index in range(months):
        held_on = date(year, index + 1, rng.randint(1, 5))
        figures = _roll(rng, branch, habits.diligence)
        copied_roll = False
        if index >= frozen_from and last is not None:
            figures, copied_roll = last, True
        run = run + 1 if figures == last else 1
        last = figures
        # A branch often carries one topic over to the next month, written anew.
        keep = [t for t in topics_before if rng.random() < 0.35]
        topics = tuple(dict.fromkeys([*keep, *rng.sample(TOPICS, 3)]))[: rng.randint(2, 3)]
        month = Month(
            held_on,
            topics,
            figures,
            named=rng.random() >= habits.unnamed,
            measurable=rng.random() >= habits.vague,
        )
        copy_minutes = bool(written) and rng.random() < habits.copies
        copy_resolution = bool(written) and rng.random() < (
            0.8 if copy_minutes else habits.copies / 2
        )
        fresh_minutes, spoke = write_minutes(rng, branch, month)
        fresh_resolution = write_resolution(rng, branch, month)
        minutes, resolution = "\n".join(fresh_minutes), "\n".join(fresh_resolution)
        if copy_minutes or copy_resolution:
            back = 1 if rng.random() < 0.8 else min(len(written), rng.randint(2, 3))
            source, s_minutes, s_resolution, s_spoke = written[-back]
            careful = rng.random() < 0.6
            if copy_minutes:
                month = replace(month, topics=source.topics, named=source.named)
                # Edits never add a named speaker to unnamed minutes: the label must stay true.
                fresh = [
                    line
                    for line in fresh_minutes[6:]
                    if "Đ/c" not in line
                    and "Ý kiến tham gia" not in line
                    and not any(n in line for n in spoke)
                ]
                edited = _edit_lines(rng, s_minutes, fresh, rng.randint(0, 6))
                minutes = _shift_dates("\n".join(edited), source.held_on, held_on, careful)
                minutes = _with_figures(minutes, source.figures, figures)
                spoke = s_spoke
            if copy_resolution:
                month = replace(month, measurable=source.measurable)
                # Only last month's results are swapped in: a task would change what is measurable.
                start, end = _results_section(fresh_resolution)
                fresh = fresh_resolution[start:end]
                edited = _edit_results(rng, s_resolution, fresh, rng.randint(0, 3))
                resolution = _shift_dates("\n".join(edited), source.held_on, held_on, careful)
                resolution = _with_figures(resolution, source.figures, figures)
        structured = tuple(spoke) if spoke and rng.random() < 0.3 else ()
        record = MeetingRecord(
            meeting_id=f"{branch.id}-{held_on:%Y%m}",
            branch_id=branch.id,
            held_on=held_on,
            minutes=minutes,
            resolution=resolution,
            speakers=structured,
            tasks=(),
            attendance=figures,
        )
        out.append(
            LabelledMeeting(
                record,
                copied_minutes=copy_minutes,
                copied_resolution=copy_resolution,
                vague_resolution=not month.measurable,
                unnamed_speakers=not month.named,
                # Copied figures, once they have stood unchanged for four meetings: a figure
                # written twice cannot be told from a real count.
                attendance_copied=copied_roll and run >= 4,
            )
        )
        written.append((month, minutes.split("\n"), resolution.split("\n"), list(spoke)))
        topics_before = month.topics
    return out


def labelled_meetings(seed: int, branches: int) -> list[LabelledMeeting]:
    """A year of meetings of `branches` branches; a third of the branches write for form's sake."""
    rng = random.Random(seed)
    out: list[LabelledMeeting] = []
    for i in range(branches):
        branch = make_branch(rng, i)
        if rng.random() < 0.35:
            habits = Habits(
                copies=0.5,
                vague=0.6,
                unnamed=0.6,
                frozen_roll=rng.random() < 0.6,
                diligence=0.9,
            )
        else:
            habits = Habits(
                copies=0.03,
                vague=0.1,
                unnamed=0.1,
                frozen_roll=False,
                diligence=rng.choice((0.85, 0.9, 0.95)),
            )
        out += branch_year(rng, branch, habits)
    return out


# Which label each signal is checked against.
LABEL_OF_SIGNAL = {
    "minutes_repeated": "copied_minutes",
    "resolution_repeated": "copied_resolution",
    "resolution_without_target": "vague_resolution",
    "speakers_not_named": "unnamed_speakers",
    "attendance_unchanged": "attendance_copied",
}
