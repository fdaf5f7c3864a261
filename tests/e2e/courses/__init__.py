"""Browser tests of the bundled courses, one file per course."""
