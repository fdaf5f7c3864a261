"""The xAPI Learning Record Store. It imports nothing from lms/."""
