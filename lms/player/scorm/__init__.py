"""SCORM 1.2 and SCORM 2004 (2nd–4th edition): scorm-again in the browser, the CMI data and its
attempts here, and each session recorded as xAPI statements (ADL's xAPI SCORM Profile)."""
