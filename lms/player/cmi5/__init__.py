"""The LMS side of cmi5: launch, fetch, LMS.LaunchData, the statement rules, moveOn and
satisfied, abandoned, waived (docs/player-cmi5.md). Its session records serve the Tin Can
launch (lms.player.tincan) too."""
