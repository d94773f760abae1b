"""Tests of digled.insight, a file per module."""
