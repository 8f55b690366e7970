"""The rule set in force until operators publish their own (version 0), per DOMAIN.md.

Requests: the addressee committee on raise, the observers and the branch secretary on every state
change, the next level at once on escalation (urgent, also by webhook when it has one); a missed
meeting is urgent for the secretary; an overdue observer report goes to that observer. A scored
meeting tells the secretary at once (one a month, awaited) and the province's commission by
webhook. Routine e-mail goes into the daily digest; at most `daily_immediate_budget` immediate
e-mails per person and day, the rest fold into the digest.
"""

from __future__ import annotations

from typing import Any

from event_contracts.catalog import verb_of
from event_contracts.events.meetings import REQUEST_STATE_CHANGES
from notifications.rules.schemas import MessageTemplate, Rule, RuleSetDocument

_SCORED_INBOX_BODY = (
    "Buổi sinh hoạt {{ meeting_id }} của {{ branch_id | ten }} được chấm "
    "{{ total_points | so }}/{{ max_points | so }} điểm, xếp loại {{ grade | xep_loai }}."
    "{% for c in criteria if c.points < c.max_points %}"
    "{% if loop.first %} Các tiêu chí chưa đạt tối đa: {% endif %}"
    "{{ c.code }}: {{ c.points | so }}/{{ c.max_points | so }}{{ '.' if loop.last else ', ' }}"
    "{% endfor %}"
)

_SCORED_EMAIL_BODY = """\
Kính gửi đồng chí Bí thư {{ branch_id | ten }},

Buổi sinh hoạt {{ meeting_id }} đã được chấm điểm ngày {{ event.time | ngay }} theo bộ tiêu chí \
{{ rubric_id }} (phiên bản {{ rubric_version }}).

Tổng điểm: {{ total_points | so }}/{{ max_points | so }} — xếp loại {{ grade | xep_loai }}.

Điểm từng tiêu chí:
{% for c in criteria %}
- {{ c.code }}: {{ c.points | so }}/{{ c.max_points | so }}
{% endfor %}

Thư này được gửi tự động từ hệ thống theo dõi sinh hoạt chi bộ; vui lòng không trả lời.
"""

_REQUEST_FOOTER = """
Xem và xử lý kiến nghị trong hệ thống theo dõi sinh hoạt chi bộ.
Thư này được gửi tự động; vui lòng không trả lời.
"""

_RAISED_EMAIL = (
    """\
Kính gửi {{ addressee_id | ten }},

{{ branch_id | ten }} đã gửi kiến nghị ngày {{ event.time | ngay }}:
"{{ subject }}"{% if category %} (lĩnh vực: {{ category }}){% endif %}.

Đề nghị đồng chí tiếp nhận và giao người giải quyết theo quy định.
"""
    + _REQUEST_FOOTER
)

_CHANGED_EMAIL = (
    """\
Kính gửi đồng chí,

Kiến nghị "{{ subject }}" của {{ branch_id | ten }} nay {{ status | trang_thai }} \
(ngày {{ event.time | ngay }}); cấp đang chịu trách nhiệm: {{ level_organisation_id | ten }}.
"""
    + _REQUEST_FOOTER
)

_DUE_SOON_EMAIL = (
    """\
Kính gửi {{ level_organisation_id | ten }},

Kiến nghị "{{ subject }}" của {{ branch_id | ten }} sắp đến hạn \
{{ 'tiếp nhận' if stage == 'acknowledge' else 'trả lời' }}: hạn chót ngày {{ due_at | ngay }} \
(đã qua {{ (fraction * 100) | round | int }}% thời gian).
"""
    + _REQUEST_FOOTER
)

_ESCALATED_EMAIL = (
    """\
Kính gửi {{ level_organisation_id | ten }},

KHẨN: kiến nghị "{{ subject }}" của {{ branch_id | ten }} đã được chuyển lên cấp \
đồng chí ngày {{ event.time | ngay }} vì {{ from_level_organisation_id | ten }} \
{% if breached_stage == 're_raised' %}chưa giải quyết và chi bộ đã kiến nghị lại\
{% else %}quá hạn {{ 'tiếp nhận' if breached_stage == 'acknowledge' else 'trả lời' }}\
{% if breached_due_at %} (hạn {{ breached_due_at | ngay }}){% endif %}{% endif %}.

Đề nghị đồng chí chỉ đạo giải quyết; hồ sơ đầy đủ (nội dung gốc, biên bản, các lần trả lời) \
có trong hệ thống.
"""
    + _REQUEST_FOOTER
)

_MISSED_EMAIL = """\
Kính gửi đồng chí Bí thư {{ branch_id | ten }},

KHẨN: chi bộ chưa ghi nhận buổi sinh hoạt thường kỳ tháng {{ period[5:] }}/{{ period[:4] }} \
(lịch từ ngày {{ window_from_day }} đến ngày {{ window_to_day }}, hạn {{ due_at | ngay }}).

Đề nghị đồng chí tổ chức sinh hoạt hoặc cập nhật biên bản ngay.
Thư này được gửi tự động; vui lòng không trả lời.
"""

_OVERDUE_EMAIL = """\
Kính gửi đồng chí,

Báo cáo dự sinh hoạt tại {{ branch_id | ten }} (buổi {{ meeting_id }}) đã quá hạn \
ngày {{ due_at | ngay }}. Đề nghị đồng chí gửi báo cáo sớm; việc chậm báo cáo được tính \
khi đánh giá nhiệm vụ của đồng chí.
Thư này được gửi tự động; vui lòng không trả lời.
"""

REQUEST_CHANGES = tuple(verb_of(e) for e in REQUEST_STATE_CHANGES)


def _request_key(verb: str) -> str:
    return f"meetings.request.{verb}.v1"


def _both(subject: str, inbox_body: str, email_body: str) -> dict[Any, MessageTemplate]:
    return {
        "inbox": MessageTemplate(subject=subject, body=inbox_body),
        "email": MessageTemplate(subject=subject, body=email_body),
    }


_CHANGED = _both(
    "Kiến nghị của {{ branch_id | ten }} {{ status | trang_thai }}: {{ subject }}",
    'Kiến nghị "{{ subject }}" nay {{ status | trang_thai }} (ngày {{ event.time | ngay }}).',
    _CHANGED_EMAIL,
)
_ESCALATED = _both(
    "[KHẨN] Kiến nghị quá hạn chuyển lên {{ level_organisation_id | ten }}: {{ subject }}",
    'Kiến nghị "{{ subject }}" của {{ branch_id | ten }} đã chuyển lên '
    "{{ level_organisation_id | ten }} ngày {{ event.time | ngay }}.",
    _ESCALATED_EMAIL,
)

_REQUEST_RULES = [
    Rule(
        id="request-raised-addressee",
        event_type=_request_key("raised"),
        recipients=["committee:{addressee_id}"],
        channels=["inbox", "email"],
    ),
    *(
        Rule(
            id=f"request-{verb}-branch",
            event_type=_request_key(verb),
            recipients=["observers:{branch_id}", "branch-secretary:{branch_id}"],
            channels=["inbox", "email"],
        )
        for verb in REQUEST_CHANGES
    ),
    Rule(
        id="request-forwarded-next",
        event_type=_request_key("forwarded"),
        recipients=["committee:{level_organisation_id}"],
        channels=["inbox", "email"],
    ),
    Rule(
        id="request-due-soon-level",
        event_type=_request_key("due_soon"),
        recipients=["committee:{level_organisation_id}"],
        channels=["inbox", "email"],
    ),
    Rule(
        id="request-escalated-next-level",
        event_type=_request_key("escalated"),
        recipients=["committee:{level_organisation_id}"],
        channels=["inbox", "email", "webhook"],
        urgency="urgent",
    ),
    Rule(
        id="meeting-missed-secretary",
        event_type="meetings.meeting.missed.v1",
        recipients=["branch-secretary:{branch_id}"],
        channels=["inbox", "email"],
        urgency="urgent",
    ),
    Rule(
        id="meeting-missed-observers",
        event_type="meetings.meeting.missed.v1",
        recipients=["observers:{branch_id}"],
        channels=["inbox", "email"],
    ),
    Rule(
        id="compliance-warning-secretary",
        event_type="scoring.compliance.flagged.v1",
        filter={"severity": ["warning"]},
        recipients=["branch-secretary:{branch_id}"],
        channels=["inbox", "email"],
    ),
    Rule(
        # e.g. a member with unexcused absences in 3 months: the branch must consider it now.
        id="compliance-proposal-secretary-observers",
        event_type="scoring.compliance.flagged.v1",
        filter={"severity": ["proposal"]},
        recipients=["branch-secretary:{branch_id}", "observers:{branch_id}"],
        channels=["inbox", "email"],
        urgency="urgent",
    ),
    Rule(
        id="observer-report-overdue-observer",
        event_type="meetings.observer_report.overdue.v1",
        recipients=["member:{observer_member_id}"],
        channels=["inbox", "email"],
    ),
]

_REQUEST_TEMPLATES: dict[str, dict[Any, MessageTemplate]] = {
    _request_key("raised"): _both(
        "Kiến nghị mới của {{ branch_id | ten }}: {{ subject }}",
        '{{ branch_id | ten }} kiến nghị "{{ subject }}" '
        "(ngày {{ event.time | ngay }}), gửi {{ addressee_id | ten }}.",
        _RAISED_EMAIL,
    ),
    **{_request_key(verb): _CHANGED for verb in REQUEST_CHANGES if verb != "escalated"},
    _request_key("escalated"): _ESCALATED,
    _request_key("due_soon"): _both(
        "Kiến nghị sắp đến hạn {{ due_at | ngay }}: {{ subject }}",
        'Kiến nghị "{{ subject }}" của {{ branch_id | ten }} sắp đến hạn '
        "{{ 'tiếp nhận' if stage == 'acknowledge' else 'trả lời' }} ngày {{ due_at | ngay }}.",
        _DUE_SOON_EMAIL,
    ),
    "meetings.meeting.missed.v1": _both(
        "[KHẨN] {{ branch_id | ten }} chưa sinh hoạt tháng {{ period[5:] }}/{{ period[:4] }}",
        "Chưa ghi nhận buổi sinh hoạt tháng {{ period[5:] }}/{{ period[:4] }} "
        "(hạn {{ due_at | ngay }}).",
        _MISSED_EMAIL,
    ),
    "scoring.compliance.flagged.v1": _both(
        "{{ '[KHẨN] ' if severity == 'proposal' else '' }}{{ branch_id | ten }}: cảnh báo kỳ "
        "{{ period }}",
        "{{ message }}",
        "Kính gửi đồng chí Bí thư {{ branch_id | ten }},\n\n{{ message }}\n\n"
        "{% if severity == 'proposal' %}Đây là đề xuất để chi bộ xem xét; việc quyết định thuộc "
        "cấp có thẩm quyền.\n\n{% endif %}"
        "Thư này được gửi tự động từ hệ thống theo dõi sinh hoạt chi bộ; vui lòng không trả lời.\n",
    ),
    "meetings.observer_report.overdue.v1": _both(
        "Báo cáo dự sinh hoạt {{ branch_id | ten }} quá hạn {{ due_at | ngay }}",
        "Báo cáo dự sinh hoạt tại {{ branch_id | ten }} đã quá hạn ngày {{ due_at | ngay }}.",
        _OVERDUE_EMAIL,
    ),
}

DEFAULT_RULES = RuleSetDocument(
    rules=[
        Rule(
            id="meeting-scored-secretary",
            event_type="scoring.meeting.scored.v1",
            # Scores a re-scoring job moves to another rubric are not news to the secretary.
            filter={"rescoring_job_id": [None]},
            recipients=["branch-secretary:{branch_id}"],
            channels=["inbox", "email"],
            urgency="routine",
            delivery="immediate",
        ),
        Rule(
            id="meeting-scored-commission",
            event_type="scoring.meeting.scored.v1",
            recipients=["organisation-commission:province"],
            channels=["webhook"],
            urgency="routine",
        ),
        *_REQUEST_RULES,
    ],
    templates={
        "scoring.meeting.scored.v1": {
            "inbox": MessageTemplate(
                subject="Kết quả chấm điểm sinh hoạt chi bộ: {{ grade | xep_loai }}",
                body=_SCORED_INBOX_BODY,
            ),
            "email": MessageTemplate(
                subject="[{{ branch_id | ten }}] Kết quả chấm điểm buổi sinh hoạt: "
                "{{ total_points | so }}/{{ max_points | so }} ({{ grade | xep_loai }})",
                body=_SCORED_EMAIL_BODY,
            ),
        },
        **_REQUEST_TEMPLATES,
    },
)
