"""The Tin Can launch (Rustici's launch guidelines, "Launch" in
https://github.com/RusticiSoftware/launch/blob/master/lms_lrs.md): the package's one launchable
activity opened with endpoint, auth, actor, registration and activity_id."""
