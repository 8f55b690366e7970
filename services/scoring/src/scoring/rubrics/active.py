"""The rubrics this process scores with: loaded and validated once, at start-up (`build_app`).

Event handlers have no app state to read, so the book lives here; tests install their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scoring.rubrics.book import RubricBook, load_book
from scoring.rubrics.format import Rubric


@dataclass(frozen=True)
class ActiveRubrics:
    book: RubricBook
    rubric_id: str | None = None

    def for_meeting(self, held_on: date, province: str | None = None) -> Rubric:
        return self.book.select(held_on=held_on, province=province, rubric_id=self.rubric_id)


_active: ActiveRubrics | None = None


def install(book: RubricBook, rubric_id: str | None = None) -> ActiveRubrics:
    global _active
    if rubric_id is not None and all(r.id != rubric_id for r in book.rubrics):
        raise ValueError(f"SCORING_RUBRIC_ID={rubric_id}: không có bảng điểm này")
    _active = ActiveRubrics(book, rubric_id)
    return _active


def active() -> ActiveRubrics:
    return _active or install(load_book())
