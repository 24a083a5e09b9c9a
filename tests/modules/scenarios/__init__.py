"""Tests of modules.scenarios."""
