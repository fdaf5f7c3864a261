"""The statements the LMS itself records for cmi5: launched, abandoned, waived, satisfied
(cmi5 §9.3.1, §9.3.6, §9.3.7, §9.3.9), built with the `tincan` library.

Each carries what §9.6 asks of the LMS's statements: the registration, the cmi5 category, the
publisher id in the grouping (§9.6.2.3) and the session id (§9.6.3.1), a UTC timestamp (§9.7).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import tincan

# The verbs are the players' shared ones (lms.player.verbs); cmi5's modules read them here as
# `xapi.COMPLETED` beside the cmi5 categories and extensions.
from lms.player.verbs import (  # noqa: F401
    ABANDONED,
    ADL_VERB,
    COMPLETED,
    FAILED,
    INITIALIZED,
    LAUNCHED,
    PASSED,
    SATISFIED,
    TERMINATED,
    VERB,
    VOIDED,
    WAIVED,
)

CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"
EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/"
SESSION_ID = EXTENSION + "sessionid"
LAUNCH_MODE = EXTENSION + "launchmode"
LAUNCH_URL = EXTENSION + "launchurl"
MOVE_ON = EXTENSION + "moveon"
MASTERY_SCORE = EXTENSION + "masteryscore"
LAUNCH_PARAMETERS = EXTENSION + "launchparameters"
PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
REASON = "https://w3id.org/xapi/cmi5/result/extensions/reason"
# §9.5.5.2: the reasons a waiver SHOULD give.
WAIVE_REASONS = ("Tested Out", "Equivalent AU", "Equivalent Outside Activity", "Administrative")


def _agent(actor: dict[str, Any]) -> tincan.Agent:
    account = actor["account"]
    return tincan.Agent(
        object_type="Agent",
        account=tincan.AgentAccount(home_page=account["homePage"], name=account["name"]),
    )


def _activity(activity_id: str, title: str | None = None, kind: str | None = None) -> Any:
    definition = None
    if title or kind:
        definition = tincan.ActivityDefinition(
            name=tincan.LanguageMap({"en-US": title}) if title else None, type=kind
        )
    return tincan.Activity(id=activity_id, definition=definition)


def mastery_number(score: Decimal) -> float:
    """A masteryScore as a JSON number (up to four decimals, §10.2.4)."""
    return float(score)


def _statement(
    verb: str,
    *,
    actor: dict[str, Any],
    registration: str,
    target: Any,
    publisher_id: str,
    session_id: str,
    extensions: dict[str, Any] | None = None,
    result: tincan.Result | None = None,
    moveon: bool = False,
) -> dict[str, Any]:
    categories = [tincan.Activity(id=CMI5_CATEGORY)]
    if moveon:  # §9.6.2.2: statements whose result has success or completion
        categories.append(tincan.Activity(id=MOVEON_CATEGORY))
    statement = tincan.Statement(
        id=str(uuid.uuid4()),
        actor=_agent(actor),
        verb=tincan.Verb(id=verb, display=tincan.LanguageMap({"en-US": verb.rsplit("/", 1)[1]})),
        object=target,
        result=result,
        context=tincan.Context(
            registration=registration,
            context_activities=tincan.ContextActivities(
                category=tincan.ActivityList(categories),
                grouping=tincan.ActivityList([tincan.Activity(id=publisher_id)]),
            ),
            extensions=tincan.Extensions({SESSION_ID: session_id, **(extensions or {})}),
        ),
    )
    built = json.loads(statement.to_json())
    built.pop("version", None)  # the LRS sets the version it stores (xAPI 2.0 §2.4.10)
    built["timestamp"] = (
        dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )
    return built


def launched(
    *,
    actor: dict[str, Any],
    registration: str,
    activity_id: str,
    publisher_id: str,
    session_id: str,
    title: str,
    launch_mode: str,
    launch_url: str,
    move_on: str,
    mastery_score: Decimal | None,
    launch_parameters: str | None,
    context_extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """§9.3.1, with the §9.6.3.2–9.6.3.7 extensions a launched statement carries, and the
    contextTemplate's own (`context_extensions`)."""
    extensions: dict[str, Any] = {
        **(context_extensions or {}),
        LAUNCH_MODE: launch_mode,
        LAUNCH_URL: launch_url,
        MOVE_ON: move_on,
    }
    if mastery_score is not None:
        extensions[MASTERY_SCORE] = mastery_number(mastery_score)
    if launch_parameters is not None:
        extensions[LAUNCH_PARAMETERS] = launch_parameters
    return _statement(
        LAUNCHED,
        actor=actor,
        registration=registration,
        target=_activity(activity_id, title),
        publisher_id=publisher_id,
        session_id=session_id,
        extensions=extensions,
    )


def abandoned(
    *,
    actor: dict[str, Any],
    registration: str,
    activity_id: str,
    publisher_id: str,
    session_id: str,
    duration: dt.timedelta,
) -> dict[str, Any]:
    """§9.3.6; §9.5.4.2: the duration is required."""
    return _statement(
        ABANDONED,
        actor=actor,
        registration=registration,
        target=_activity(activity_id),
        publisher_id=publisher_id,
        session_id=session_id,
        result=tincan.Result(duration=duration),
    )


def waived(
    *,
    actor: dict[str, Any],
    registration: str,
    activity_id: str,
    publisher_id: str,
    session_id: str,
    reason: str,
) -> dict[str, Any]:
    """§9.3.7: with its reason (§9.5.5.2), success and completion true (§9.5.2, §9.5.3), and
    so the moveOn category (§9.6.2.2)."""
    return _statement(
        WAIVED,
        actor=actor,
        registration=registration,
        target=_activity(activity_id),
        publisher_id=publisher_id,
        session_id=session_id,
        result=tincan.Result(
            success=True, completion=True, extensions=tincan.Extensions({REASON: reason})
        ),
        moveon=True,
    )


def satisfied(
    *,
    actor: dict[str, Any],
    registration: str,
    activity_id: str,
    activity_type: str,
    publisher_id: str,
    session_id: str,
    title: str,
) -> dict[str, Any]:
    """§9.3.9: the block or course object (§9.4) with its publisher id in the grouping."""
    return _statement(
        SATISFIED,
        actor=actor,
        registration=registration,
        target=_activity(activity_id, title, activity_type),
        publisher_id=publisher_id,
        session_id=session_id,
    )
