"""The player: launching a registration's course version and tracking it, for every standard.

`launch` decides whether a launch is allowed (one place); `identity` names people and activities
in xAPI; `scorm/` runs SCORM 1.2 and 2004 (scorm-again in the browser) and records each session
as xAPI statements; `cmi5/` is the LMS side of cmi5 and the Tin Can launch.
"""
