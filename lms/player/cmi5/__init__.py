"""The LMS side of cmi5 (launch, fetch, LMS.LaunchData, the statement rules, moveOn and
satisfied, abandoned, waived) and the Tin Can launch."""
