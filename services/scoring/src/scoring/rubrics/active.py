"""The rubrics this process scores with: the book loaded and validated once, at start-up, and
the choice of one for a meeting (by date and the branch's province, or one fixed rubric)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scoring.rubrics.book import RubricBook
from scoring.rubrics.format import Rubric


@dataclass(frozen=True)
class ActiveRubrics:
    book: RubricBook
    rubric_id: str | None = None

    def for_meeting(self, held_on: date, province_code: str | None = None) -> Rubric:
        """`province_code`: the registry code of the branch's province on that day (None when
        the tree replica does not know the branch: the default rubrics)."""
        return self.book.select(
            held_on=held_on, province=self.book.family_of(province_code), rubric_id=self.rubric_id
        )

    @classmethod
    def of(cls, book: RubricBook, rubric_id: str | None = None) -> ActiveRubrics:
        if rubric_id is not None and all(r.id != rubric_id for r in book.rubrics):
            raise ValueError(f"SCORING_RUBRIC_ID={rubric_id}: không có bảng điểm này")
        return cls(book, rubric_id)
