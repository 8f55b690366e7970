"""One request raised by many branches: grouped for the addressee, each request still its own."""

from __future__ import annotations

import itertools
from datetime import date

from meetings_requests_corpus import labelled_requests

from meetings.requests.grouping import RaisedRequest, group_requests, load_rules, rules_for

RULES = rules_for(load_rules(), None, date(2026, 1, 1))


def raised(request_id: str, branch: str, subject: str, text: str, **kw: str) -> RaisedRequest:
    return RaisedRequest(
        request_id=request_id,
        branch_id=branch,
        addressee_id=kw.get("addressee_id", "tinh-tuyen-quang"),
        subject=subject,
        text=text,
        category=kw.get("category"),
    )


ALLOWANCE = [
    raised(
        "r1",
        "ban-man",
        "Nâng mức phụ cấp cho bí thư chi bộ, trưởng thôn",
        "Mức phụ cấp hằng tháng của bí thư chi bộ và trưởng thôn còn thấp so với khối lượng công "
        "việc, đề nghị tỉnh xem xét nâng mức phụ cấp.",
    ),
    raised(
        "r2",
        "ban-khan",
        "Phụ cấp người hoạt động không chuyên trách ở thôn thấp",
        "Kiến nghị tăng phụ cấp cho người hoạt động không chuyên trách ở thôn (bí thư, trưởng "
        "thôn, trưởng ban công tác Mặt trận) để họ yên tâm công tác.",
    ),
    raised(
        "r3",
        "ban-lech",
        "Chế độ phụ cấp cho cán bộ thôn",
        "Sau sáp nhập thôn, khối lượng công việc tăng nhưng phụ cấp của bí thư chi bộ, trưởng "
        "thôn không tăng, đề nghị cấp trên quan tâm điều chỉnh.",
    ),
]
# Other asks that share words with each other ("hỗ trợ kinh phí", "đường") but not the subject.
OTHERS = [
    raised(
        "r4",
        "ban-man",
        "Hỗ trợ kinh phí sửa chữa nhà văn hóa thôn",
        "Nhà văn hóa thôn Bản Man mái dột, tường nứt, đề nghị hỗ trợ kinh phí sửa chữa.",
    ),
    raised(
        "r5",
        "na-rang",
        "Hỗ trợ kinh phí mua giống lúa sau lũ",
        "Lũ làm mất trắng 12 ha lúa, đề nghị hỗ trợ kinh phí mua giống lúa gieo cấy lại.",
    ),
    raised(
        "r6",
        "ban-lech",
        "Kéo đường điện về xóm chưa có điện",
        "Còn 7 hộ chưa có điện lưới, đề nghị đầu tư đường dây điện về xóm.",
    ),
    raised(
        "r7",
        "ban-khan",
        "Sửa đường liên thôn bị sạt lở",
        "Đường liên thôn Bản Khản đi Nà Ràng bị sạt lở, đề nghị khắc phục.",
    ),
]


def test_the_same_ask_from_three_branches_is_one_item_raised_by_three() -> None:
    groups = group_requests(
        [ALLOWANCE[0], OTHERS[0], ALLOWANCE[1], *OTHERS[1:], ALLOWANCE[2]], RULES
    )

    [allowance] = [g for g in groups if "r1" in g.request_ids]
    assert allowance.request_ids == ("r1", "r2", "r3")
    assert allowance.branch_ids == ("ban-man", "ban-khan", "ban-lech")
    assert allowance.label == "Kiến nghị của 3 chi bộ"
    assert allowance.subject in {r.subject for r in ALLOWANCE}
    # asks sharing "hỗ trợ kinh phí" or "đường" stay apart
    assert sorted(g.request_ids for g in groups if g is not allowance) == [
        ("r4",),
        ("r5",),
        ("r6",),
        ("r7",),
    ]


def test_every_request_stays_in_exactly_one_group_to_be_answered_on_its_own() -> None:
    requests = [*ALLOWANCE, *OTHERS]

    groups = group_requests(requests, RULES)

    ids = [i for g in groups for i in g.request_ids]
    assert sorted(ids) == sorted(r.request_id for r in requests)


def test_a_branch_raising_it_twice_counts_once() -> None:
    again = raised("r8", "ban-man", ALLOWANCE[0].subject, ALLOWANCE[0].text)

    [group] = group_requests([ALLOWANCE[0], again], RULES)

    assert group.request_ids == ("r1", "r8")
    assert group.branch_count == 1


def test_requests_to_different_addressees_or_of_different_categories_are_never_grouped() -> None:
    to_commune = raised(
        "r9", "ban-khan", ALLOWANCE[0].subject, ALLOWANCE[0].text, addressee_id="xa-binh-phu"
    )
    policy = raised("r10", "ban-man", ALLOWANCE[0].subject, ALLOWANCE[0].text, category="policy")
    budget = raised("r11", "ban-lech", ALLOWANCE[0].subject, ALLOWANCE[0].text, category="budget")

    groups = group_requests([ALLOWANCE[0], to_commune, policy, budget], RULES)

    assert len({g.addressee_id for g in groups}) == 2
    assert not any({"r9"} < set(g.request_ids) for g in groups)
    assert not any({"r10", "r11"} <= set(g.request_ids) for g in groups)


def test_grouping_precision_and_recall_on_the_labelled_set() -> None:
    """Pairs of requests put together vs pairs raised on the same ask to the same addressee.
    Seed 77 is not one the threshold was chosen on (5, 9)."""
    data = labelled_requests(77, communes=6)
    truth = {d.request.request_id: (d.request.addressee_id, d.ask) for d in data}

    groups = group_requests([d.request for d in data], RULES)

    predicted = {frozenset(p) for g in groups for p in itertools.combinations(g.request_ids, 2)}
    actual = {
        frozenset((a, b)) for a, b in itertools.combinations(truth, 2) if truth[a] == truth[b]
    }
    assert len(actual) >= 100
    hits = len(predicted & actual)
    assert hits / len(predicted) >= 0.95
    assert hits / len(actual) >= 0.85
