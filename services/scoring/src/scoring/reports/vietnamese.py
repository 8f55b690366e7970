"""How reports name periods and criteria in the Vietnamese officials use: "Tháng 7/2026",
"Quý III/2026", "6 tháng đầu năm 2026", "Năm 2026"; a criterion as "C6 – Kết quả thực hiện…".
The one place these are formatted."""

from __future__ import annotations

from scoring.rollups.periods import Period, PeriodError, parse_period

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_label(period: Period | str) -> str:
    """The period as a report heading writes it; a label that does not parse is left as it is."""
    if isinstance(period, str):
        try:
            period = parse_period(period)
        except PeriodError:
            return period
    if period.kind == "month":
        return f"Tháng {period.first_month}/{period.year}"
    if period.kind == "quarter":
        return f"Quý {_ROMAN[(period.first_month + 2) // 3]}/{period.year}"
    if period.kind == "half":
        return f"6 tháng {'đầu' if period.first_month == 1 else 'cuối'} năm {period.year}"
    return f"Năm {period.year}"


def criterion_label(code: str, name: str | None) -> str:
    """ "C6 – Kết quả thực hiện nghị quyết tháng trước"; the code alone when it has no name."""
    return f"{code} – {name}" if name else code


def percent(share: float) -> str:
    """0.875 → "87,5%", 1 → "100%" (a decimal comma, no trailing zeros)."""
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')}%"
