"""xAPI (Tin Can) and cmi5 packages: course structures, validation, and their lesson block."""
