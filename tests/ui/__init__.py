"""Tests of digled.ui, a file per module."""
