"""Tests of digled.assessment, a file per module."""
