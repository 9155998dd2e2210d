"""The catalogue of services, as rules: what a resident can ask for (a fault report of each
category, and applications with their questions, papers and reasons to decline), which
answers an application takes, and which answers make a resident ineligible. No I/O: the
City's file is read by adapters.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Final, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.common import Language
from shared.contracts.requests import Answer
from shared.refusals import Invalid

__all__ = [
    "Answer",
    "Answers",
    "Catalogue",
    "Choice",
    "Condition",
    "Datatype",
    "Document",
    "Kind",
    "Paper",
    "Question",
    "Reason",
    "Service",
    "Warning",
    "Words",
    "check_answers",
    "check_papers",
    "warnings_for",
]

Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")]

Answers: TypeAlias = dict[str, Answer]

MAX_TEXT: Final = 200  # a string answer: an Erf number, an ID number, a name


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Words(_Data):
    """The same words in each language residents read."""

    en: str = Field(min_length=1, max_length=300)
    af: str = Field(min_length=1, max_length=300)
    xh: str = Field(min_length=1, max_length=300)

    def in_language(self, language: Language) -> str:
        return str(getattr(self, language.value))


class Datatype(StrEnum):
    """Open311's attribute datatypes."""

    STRING = "string"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"
    SINGLE = "singlevaluelist"
    MULTI = "multivaluelist"


class Choice(_Data):
    key: Code
    name: Words


class Question(_Data):
    code: Code
    datatype: Datatype
    required: bool
    label: Words
    help: Words | None = None
    values: tuple[Choice, ...] = ()
    pattern: str | None = None  # a string answer must match it whole
    minimum: float | None = None
    maximum: float | None = None


class Paper(_Data):
    code: Code
    name: Words


class Document(Paper):
    """A paper the resident shows; any of `alternatives` is accepted instead."""

    required: bool
    alternatives: tuple[Paper, ...] = ()


class Condition(_Data):
    """One answer's test: above or below a number, or equal to a value."""

    question: Code
    above: float | None = None
    below: float | None = None
    equals: bool | str | None = None

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        value = answers.get(self.question)
        if value is None:
            return False
        if self.above is not None or self.below is not None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return False
            over = self.above is None or value > self.above
            under = self.below is None or value < self.below
            return over and under
        return value == self.equals


class Warning(_Data):
    """Answers that make a resident ineligible: told to the agent, never a refusal."""

    code: Code
    when: tuple[Condition, ...] = Field(min_length=1)
    message: Words


class Reason(_Data):
    code: Code
    name: Words


class Kind(StrEnum):
    REPORT = "report"
    APPLICATION = "application"


class Service(_Data):
    code: Code
    category: str
    kind: Kind
    name: Words
    department: str
    description: str | None = Field(None, max_length=300)  # what it is for, in English
    questions: tuple[Question, ...] = ()
    documents: tuple[Document, ...] = ()
    decision_days: int = Field(ge=1, le=365)
    valid_for_months: int | None = Field(None, ge=1, le=120)
    account_number_required: bool = False
    warnings: tuple[Warning, ...] = ()
    decline_reasons: tuple[Reason, ...] = ()

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)

    def words_for(self, code: str) -> Words | None:
        """A paper's name (a document or one accepted instead) or a question's label."""
        papers = [*self.documents, *(a for d in self.documents for a in d.alternatives)]
        found = next((p.name for p in papers if p.code == code), None)
        question = self.question(code)
        return found or (question.label if question else None)


class Catalogue(_Data):
    """Every service, reports and applications, as one version of the City's file."""

    version: str
    services: tuple[Service, ...]
    appeal_days: int = Field(30, ge=1, le=365)  # a decline may be appealed within these
    renewal_notice_days: int = Field(30, ge=1, le=365)  # residents are told before an end

    @property
    def digest(self) -> str:
        """Changes whenever anything in the catalogue does (the Catalogue-Version header)."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:12]

    def find(self, code: str) -> Service | None:
        return next((s for s in self.services if s.code == code), None)

    def resolve(self, service: str | None, category: str | None) -> Service:
        """The service asked for: by its code, or a category's generic report. A 422 naming
        the field when it is unknown or the two disagree."""
        chosen = self.find(service or category or "")
        if service is not None and chosen is None:
            raise Invalid(f"is not a service of GET /v1/services: {service[:60]!r}", "service")
        if chosen is None or (service is None and chosen.kind is not Kind.REPORT):
            raise Invalid("is not a category of GET /v1/categories", "category")
        if category is not None and category != chosen.category:
            message = f"{chosen.code} is in category {chosen.category}: send that, or none"
            raise Invalid(message, "category")
        return chosen


def check_answers(service: Service, answers: Mapping[str, Answer]) -> Answers:
    """The answers as stored: every required question answered, each answer of its type and
    within its values; a 422 naming `answers.<code>` for the first that is not."""
    for code in answers:
        if service.question(code) is None:
            raise Invalid(f"is not a question of {service.code}", f"answers.{code[:60]}")
    checked: Answers = {}
    for question in service.questions:
        value = answers.get(question.code)
        if value is None:
            if question.required:
                message = f"is required: {question.label.en}"
                raise Invalid(message, f"answers.{question.code}")
            continue
        checked[question.code] = _checked(question, value)
    return checked


def _checked(question: Question, value: Answer) -> Answer:
    field = f"answers.{question.code}"
    keys = {choice.key for choice in question.values}
    match question.datatype:
        case Datatype.BOOLEAN if isinstance(value, bool):
            return value
        case Datatype.NUMBER if isinstance(value, int | float) and not isinstance(value, bool):
            if question.minimum is not None and value < question.minimum:
                raise Invalid(f"must be at least {question.minimum:g}", field)
            if question.maximum is not None and value > question.maximum:
                raise Invalid(f"must be at most {question.maximum:g}", field)
            return value
        case Datatype.DATE if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value).isoformat()
            except ValueError:
                raise Invalid("must be a date like 2026-07-01", field) from None
        case Datatype.STRING if isinstance(value, str):
            text = value.strip()
            if not text or len(text) > MAX_TEXT or "\n" in text:
                raise Invalid(f"must be one line of 1 to {MAX_TEXT} characters", field)
            if question.pattern and not re.fullmatch(question.pattern, text):
                raise Invalid(f"is not a {question.label.en.lower()}", field)
            return text
        case Datatype.SINGLE if isinstance(value, str):
            if value not in keys:
                raise Invalid(f"must be one of {', '.join(sorted(keys))}", field)
            return value
        case Datatype.MULTI if isinstance(value, list):
            if not value or len(set(value)) != len(value) or not set(value) <= keys:
                raise Invalid(f"must be a list of some of {', '.join(sorted(keys))}", field)
            return value
    raise Invalid(f"must be a {_SAY[question.datatype]}", field)


_SAY: Final = {
    Datatype.BOOLEAN: "true or false",
    Datatype.NUMBER: "number",
    Datatype.DATE: "date like 2026-07-01",
    Datatype.STRING: "text",
    Datatype.SINGLE: "key from the question's values",
    Datatype.MULTI: "list of keys from the question's values",
}


def check_papers(service: Service, papers: Mapping[str, str]) -> dict[str, str]:
    """The papers the agent noted, each one of the service's (or one accepted instead); a
    422 naming `papers.<code>` for one that is not."""
    for code in papers:
        if service.words_for(code) is None or service.question(code) is not None:
            raise Invalid(f"is not a paper of {service.code}", f"papers.{code[:60]}")
    return dict(papers)


def warnings_for(service: Service, answers: Mapping[str, Answer]) -> Sequence[Warning]:
    """The warnings whose every condition the answers meet."""
    return [w for w in service.warnings if all(c.holds(answers) for c in w.when)]
