"""Tests of modules.h5p."""
