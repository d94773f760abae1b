"""Tests of digled.programme, a file per module."""
