"""Generated packages for any test: cmi5 and Tin Can courses, inline manifests and SCORM zips.

Builders only build files; they touch no database and import no test module."""
