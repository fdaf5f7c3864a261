"""Who an actor is, what an activity is and who recorded a statement, as the bridge's rules need
them: read from the portal's people, courses, packages and launch credentials, cached for a pass."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from lms.accounts.interfaces import Role
from lms.accounts.models import Person
from lms.bridge import rules
from lms.catalog.interfaces import CreditRule
from lms.catalog.models import Course
from lms.db import db
from lms.facilitation.services import roster_course_ids
from lms.packages.models import PackageVersion
from lms.player.identity import NPO_ACCOUNT_PREFIX
from lms.player.records import PORTAL_CREDENTIAL_KEY
from lms.player.sessions import credential_holder


class Lookups:
    """Who an actor is and what an activity is, cached for one pass."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.course_prefix = f"{self.base_url}/courses/"
        self._people: dict[str, rules.KnownPerson | None] = {}
        self._courses: dict[int, rules.KnownCourse | None] = {}
        self._authorities: dict[str, rules.Authority] = {}
        self._published_ids = self._package_activity_ids()

    def authority(self, statement: dict[str, Any]) -> rules.Authority:
        """The statement's authority: the LRS sets it from the credential that sent the
        statement, an Agent whose account is the credential's key on the LRS's home page."""
        authority = statement.get("authority")
        account = authority.get("account") if isinstance(authority, dict) else None
        if not isinstance(account, dict):
            return rules.Authority()
        if str(account.get("homePage", "")).rstrip("/") != self.base_url:
            return rules.Authority()
        key = str(account.get("name", ""))
        if key not in self._authorities:
            self._authorities[key] = self._find_authority(key)
        return self._authorities[key]

    def _find_authority(self, key: str) -> rules.Authority:
        if key == PORTAL_CREDENTIAL_KEY:
            return rules.Authority(key=key, portal=True)
        roster_courses = roster_course_ids(key)
        if roster_courses is not None:
            return rules.Authority(key=key, roster_course_ids=roster_courses)
        holder = credential_holder(key)
        if holder is None:
            return rules.Authority(key=key)
        person_id, course_id = holder
        return rules.Authority(key=key, launch_person_id=person_id, launch_course_id=course_id)

    def person(self, actor: dict[str, Any]) -> rules.KnownPerson | None:
        account = actor.get("account") if isinstance(actor, dict) else None
        if not isinstance(account, dict):
            return None
        if str(account.get("homePage", "")).rstrip("/") != self.base_url:
            return None
        name = str(account.get("name", ""))
        if name not in self._people:
            self._people[name] = self._find_person(name)
        return self._people[name]

    def _find_person(self, name: str) -> rules.KnownPerson | None:
        if name.startswith(NPO_ACCOUNT_PREFIX) and name[len(NPO_ACCOUNT_PREFIX) :].isdigit():
            person = db.session.get(Person, int(name[len(NPO_ACCOUNT_PREFIX) :]))
            if person is not None and person.post_id:
                person = None  # once a POST-ID is linked, records follow the POST-ID
        else:
            person = db.session.scalar(select(Person).where(Person.post_id == name))
        if person is None:
            return None
        earns = person.has_role(Role.PEACE_OFFICER, Role.DISPATCHER)
        return rules.KnownPerson(person.id, person.post_id, earns)

    def activity(self, activity_id: str) -> rules.Activity:
        if activity_id.startswith(self.course_prefix):
            head, _, rest = activity_id[len(self.course_prefix) :].partition("/")
            if head.isdigit():
                course = self.course(int(head))
                if course is None:
                    return None
                return rules.CoursePart(course.course_id) if rest else course
            return None
        published = self._published_ids.get(activity_id)
        if published is None:
            return None
        course_id, is_course = published
        return self.course(course_id) if is_course else rules.CoursePart(course_id)

    def course(self, course_id: int) -> rules.KnownCourse | None:
        if course_id not in self._courses:
            self._courses[course_id] = self._find_course(course_id)
        return self._courses[course_id]

    def _find_course(self, course_id: int) -> rules.KnownCourse | None:
        course = db.session.get(Course, course_id)
        if course is None:
            return None
        certification = course.certification
        newest = db.session.scalar(
            select(PackageVersion.standard)
            .where(PackageVersion.course_id == course_id)
            .order_by(PackageVersion.version.desc())
            .limit(1)
        )
        return rules.KnownCourse(
            course_id=course.id,
            title=course.title,
            certification_number=certification.certification_number if certification else None,
            cpt_hours=certification.cpt_hours if certification else Decimal(0),
            credit_rule=CreditRule(certification.credit_rule)
            if certification
            else CreditRule.RESOURCE,
            completion=certification.completion if certification else "completed",
            is_cmi5=newest == "cmi5",
            mandate_codes=tuple(certification.mandate_codes.split()) if certification else (),
            psp_category=certification.psp_category if certification else None,
        )

    def course_activity_ids(self, course_id: int) -> list[str]:
        """The activity ids a statement about the course itself may have as its object."""
        named = [
            activity_id
            for activity_id, (owner, is_course) in self._published_ids.items()
            if owner == course_id and is_course
        ]
        return [f"{self.course_prefix}{course_id}", *sorted(named)]

    def _package_activity_ids(self) -> dict[str, tuple[int, bool]]:
        """Activity ids a package names itself (Tin Can): the launched activity is the
        course, the others are its parts."""
        found: dict[str, tuple[int, bool]] = {}
        rows = db.session.execute(
            select(PackageVersion.course_id, PackageVersion.identifier).where(
                PackageVersion.standard == "tincan"
            )
        )
        for course_id, identifier in rows:
            found[identifier] = (course_id, True)
        return found
