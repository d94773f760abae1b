"""Tests of digled.content, a file per module."""
