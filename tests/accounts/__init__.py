"""Tests of digled.accounts, a file per module."""
