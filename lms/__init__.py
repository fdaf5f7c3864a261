"""The Learning Portal: courses, players, CPT and Training Profiles, built on the LRS in lrs/.

The application is made by `lms.app.create_app`; this package file imports nothing, so that
importing any module of the portal does not import the whole application first.
"""
