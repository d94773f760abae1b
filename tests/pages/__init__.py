"""Tests of the pages in pages/ (AppTest), a file per module."""
