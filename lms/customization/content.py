"""What an agency customizes in a course: its knowledge check's questions and POST's default
feedback for each, read from the bundled course's folder (docs/customization.md).

A course is customizable when its folder in content_packages/ holds `feedback.json`
(`{"version", "questions": {"q01": {"correct", "incorrect"}}}`). Its course.toml may name the
package's questions file (`[customization] questions = "package/knowledge-check/questions.json"`,
`{"topics": [{"title", "questions": [{"id", "prompt", "choices", "answer"}]}]}`), so that the
editor shows each question with its answers; without one it lists the feedback's ids.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lms.catalog.models import Course
from lms.packages import bundled

FEEDBACK_FILE = "feedback.json"


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    right: bool


@dataclass(frozen=True)
class Question:
    id: str
    number: int  # from 1, in the order the course asks them
    topic: str
    prompt: str
    choices: tuple[Choice, ...]
    default_correct: str
    default_incorrect: str


@dataclass(frozen=True)
class CourseQuestions:
    default_version: str  # the version POST's default feedback names
    questions: tuple[Question, ...]

    def get(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def topics(self) -> list[tuple[str, list[Question]]]:
        grouped: dict[str, list[Question]] = {}
        for question in self.questions:
            grouped.setdefault(question.topic, []).append(question)
        return list(grouped.items())


def _read_json(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: a JSON object is expected")
    return data


@lru_cache(maxsize=16)
def _load(folder: Path, stamp: tuple[float, ...]) -> CourseQuestions:
    feedback = _read_json(folder / FEEDBACK_FILE)
    defaults = feedback.get("questions")
    if not isinstance(defaults, dict) or not isinstance(feedback.get("version"), str):
        raise ValueError(f"{folder.name}/{FEEDBACK_FILE}: needs a version and the questions")
    toml = folder / "course.toml"
    listed: list[tuple[str, dict]] = []
    if toml.is_file():
        settings = tomllib.loads(toml.read_text(encoding="utf-8")).get("customization", {})
        if settings.get("questions"):
            for topic in _read_json(folder / settings["questions"]).get("topics", []):
                listed += [(topic.get("title", ""), q) for q in topic.get("questions", [])]
    if not listed:
        listed = [("", {"id": question_id}) for question_id in defaults]
    questions = []
    for number, (topic, item) in enumerate(listed, start=1):
        question_id = item["id"]
        default = defaults.get(question_id, {})
        right = set(
            [item["answer"]] if isinstance(item.get("answer"), str) else item.get("answer", [])
        )
        questions.append(
            Question(
                id=question_id,
                number=number,
                topic=topic,
                prompt=item.get("prompt", ""),
                choices=tuple(
                    Choice(c["id"], c["text"], c["id"] in right) for c in item.get("choices", [])
                ),
                default_correct=default.get("correct", ""),
                default_incorrect=default.get("incorrect", ""),
            )
        )
    return CourseQuestions(feedback["version"], tuple(questions))


def course_questions(course: Course) -> CourseQuestions | None:
    """The course's questions and default feedback, or None: the course is not customizable."""
    folder = bundled.SOURCES / course.slug
    if not (folder / FEEDBACK_FILE).is_file():
        return None
    files = [folder / FEEDBACK_FILE, folder / "course.toml"]
    stamp = tuple(path.stat().st_mtime if path.is_file() else 0.0 for path in files)
    return _load(folder, stamp)


def customizable(course: Course) -> bool:
    return (bundled.SOURCES / course.slug / FEEDBACK_FILE).is_file()
