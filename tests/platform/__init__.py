"""Tests of digled.platform, a file per module."""
