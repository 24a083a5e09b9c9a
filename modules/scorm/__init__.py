"""SCORM 1.2 and SCORM 2004 packages: upload, validation, storage, serving and the lesson block."""
