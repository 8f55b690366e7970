"""The rule set in force until operators publish their own (version 0), per DOMAIN.md.

A scored meeting tells the branch secretary in the inbox and by e-mail (routine), and the
province's organisation commission by webhook. Further event types (a request escalated, a
meeting missed) plug in as one more rule and its templates once their events are in the catalog;
escalations are `urgent` and go to the next level.
"""

from __future__ import annotations

from notifications.rules.schemas import MessageTemplate, Rule, RuleSetDocument

_SCORED_INBOX_BODY = (
    "Buổi sinh hoạt {{ meeting_id }} của chi bộ {{ branch_id }} được chấm "
    "{{ total_points | so }}/{{ max_points | so }} điểm, xếp loại {{ grade | xep_loai }}."
    "{% for c in criteria if c.points < c.max_points %}"
    "{% if loop.first %} Các tiêu chí chưa đạt tối đa: {% endif %}"
    "{{ c.code }}: {{ c.points | so }}/{{ c.max_points | so }}{{ '.' if loop.last else ', ' }}"
    "{% endfor %}"
)

_SCORED_EMAIL_BODY = """\
Kính gửi đồng chí Bí thư chi bộ {{ branch_id }},

Buổi sinh hoạt {{ meeting_id }} đã được chấm điểm ngày {{ event.time | ngay }} theo bộ tiêu chí \
{{ rubric_id }} (phiên bản {{ rubric_version }}).

Tổng điểm: {{ total_points | so }}/{{ max_points | so }} — xếp loại {{ grade | xep_loai }}.

Điểm từng tiêu chí:
{% for c in criteria %}
- {{ c.code }}: {{ c.points | so }}/{{ c.max_points | so }}
{% endfor %}

Thư này được gửi tự động từ hệ thống theo dõi sinh hoạt chi bộ; vui lòng không trả lời.
"""

DEFAULT_RULES = RuleSetDocument(
    rules=[
        Rule(
            id="meeting-scored-secretary",
            event_type="scoring.meeting.scored.v1",
            recipients=["branch-secretary:{branch_id}"],
            channels=["inbox", "email"],
            urgency="routine",
        ),
        Rule(
            id="meeting-scored-commission",
            event_type="scoring.meeting.scored.v1",
            recipients=["organisation-commission:province"],
            channels=["webhook"],
            urgency="routine",
        ),
    ],
    templates={
        "scoring.meeting.scored.v1": {
            "inbox": MessageTemplate(
                subject="Kết quả chấm điểm sinh hoạt chi bộ: {{ grade | xep_loai }}",
                body=_SCORED_INBOX_BODY,
            ),
            "email": MessageTemplate(
                subject="[Chi bộ {{ branch_id }}] Kết quả chấm điểm buổi sinh hoạt: "
                "{{ total_points | so }}/{{ max_points | so }} ({{ grade | xep_loai }})",
                body=_SCORED_EMAIL_BODY,
            ),
        }
    },
)
