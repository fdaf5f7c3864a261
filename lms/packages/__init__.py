"""Uploaded course packages (SCORM, cmi5, Tin Can): receiving them safely and unpacking them."""
