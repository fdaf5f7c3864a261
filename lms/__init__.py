"""The Learning Portal: courses, players, CPT and Training Profiles, built on the LRS in lrs/."""

from lms.app import create_app

__all__ = ["create_app"]
