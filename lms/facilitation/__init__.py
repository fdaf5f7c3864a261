"""Facilitated courses: presentations, access, rosters that become attended statements."""
