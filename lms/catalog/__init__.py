"""Courses, their certification (CPT hours, credit rule, mandates), and registration."""
