"""The Tin Can launch (Rustici's launch guidelines, lms_lrs.md "Launch"): the package's one
launchable activity opened with endpoint, auth, actor, registration and activity_id."""
