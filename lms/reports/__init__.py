"""Reports: the training manager's dashboard, Learner Activity reports and completion
certificates, read from everything the other areas keep (docs/reports.md)."""
