"""The accounts area's contract: roles, what a sign-in comes to, and the named errors its
services raise."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lms import domain
from lms.domain import DomainError

if TYPE_CHECKING:
    from lms.accounts.models import Bulletin, Person


class Role(enum.StrEnum):
    PEACE_OFFICER = "peace_officer"
    DISPATCHER = "dispatcher"
    NPO = "npo"
    LP_ADMINISTRATOR = "lp_administrator"
    TRAINING_MANAGER = "training_manager"
    POST_STAFF = "post_staff"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.PEACE_OFFICER: "Peace officer (sworn)",
    Role.DISPATCHER: "Dispatcher",
    Role.NPO: "Non-peace officer (NPO)",
    Role.LP_ADMINISTRATOR: "LP administrator",
    Role.TRAINING_MANAGER: "Training manager",
    Role.POST_STAFF: "POST staff",
}

# Roles a person may choose at sign-up; the others are granted by an agency or by POST.
SELF_CHOSEN_ROLES = (Role.PEACE_OFFICER, Role.DISPATCHER)


class AccountsError(DomainError):
    """A rule of the accounts area was broken."""


class InvalidSignIn(AccountsError):
    pass


class TooManyFailedSignIns(AccountsError):
    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            f"Too many failed sign-ins. Try again in {retry_after_seconds} seconds.", "email"
        )
        self.retry_after_seconds = retry_after_seconds


class EmailAlreadyUsed(AccountsError):
    def __init__(self) -> None:
        super().__init__("An account with this e-mail address already exists.", "email")


class InvalidPostId(AccountsError):
    def __init__(self, message: str) -> None:
        super().__init__(message, "post_id")


class PostIdAlreadyLinked(AccountsError):
    def __init__(self, message: str) -> None:
        super().__init__(message, "post_id")


class PostIdNotLinked(AccountsError):
    def __init__(self) -> None:
        super().__init__("Link your POST-ID before you register for courses.", "post_id")


class AgencyNumberTaken(AccountsError):
    def __init__(self) -> None:
        super().__init__("Another agency already has this agency number.", "agency_number")


class SubAffiliationConflict(AccountsError):
    pass


class RoleNotAssignable(AccountsError):
    pass


class InvitationInvalid(AccountsError):
    def __init__(self) -> None:
        super().__init__("This invitation link is not valid: it was used, or it has expired.")


class AccessRequestAlreadyDecided(AccountsError):
    def __init__(self) -> None:
        super().__init__("This access request has already been decided.")


class NotFound(AccountsError, domain.NotFound):
    """What the page's address names does not exist, or the person acting may not know that it
    does (answered 404)."""


class CredentialRefused(AccountsError):
    """The LRS refused to issue a credential (its name or scopes)."""


class CredentialNotFound(NotFound):
    """No active LRS credential has this key (answered 404)."""


class NotAChoice(AccountsError):
    """A form names something that is not there to choose (an agency, a sub-affiliation of
    another agency): shown beside the field, the form to correct."""


# A bulletin's PDF: the same ceiling as an agency's policy PDF.
BULLETIN_PDF_MAX_BYTES = 10 * 1024 * 1024


class BulletinRefused(AccountsError):
    """A bulletin POST staff tried to publish breaks a rule (its title, its text, its PDF)."""


class BulletinNotFound(NotFound):
    """No bulletin has this id, or it has no PDF (answered 404)."""


class OnlyStaffPublish(AccountsError, domain.NotAllowed):
    """Only POST staff publish bulletins (answered 403)."""

    def __init__(self) -> None:
        super().__init__("Only POST staff publish bulletins.")


@dataclass(frozen=True)
class BulletinFields:
    """What POST staff write in a bulletin."""

    title: str
    published_on: dt.date
    text: str


@dataclass(frozen=True)
class BulletinView:
    """A bulletin as one person sees it: `read` once they have opened it."""

    bulletin: Bulletin
    read: bool


@dataclass(frozen=True)
class SignInAttempt:
    """What a password check that was not throttled came to: the person, or the refusal to
    show. A wrong password is returned, not raised: the attempt it counted must be kept, and an
    error raised out of a service discards the unit of work's writes (lms/unit_of_work.py)."""

    person: Person | None = None
    refusal: InvalidSignIn | None = None
