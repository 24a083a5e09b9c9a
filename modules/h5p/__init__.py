"""H5P packages: validation, storage, extraction, the lesson block and the admin."""
