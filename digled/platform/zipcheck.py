"""Checks of an uploaded zip's directory before anything is unpacked (Office files are zips):
the participant import's .xlsx (digled/accounts/importer.py) and uploaded slides' .pptx
(digled/content/uploaded_files.py), each with limits of its own."""

from __future__ import annotations

import zipfile


def directory_too_big(members: list[zipfile.ZipInfo], *, max_members: int, max_unpacked: int, max_ratio: int,
                      ratio_floor: int, max_member: int | None = None) -> bool:
    """True when the directory declares more than `max_members` files, more than `max_unpacked`
    bytes in all, a file over `max_member` bytes, or a file past `ratio_floor` bytes that unpacks
    to more than `max_ratio` times its packed size (a "zip bomb"). The directory may lie: a
    caller that unpacks still counts what really comes out."""
    if len(members) > max_members:
        return True
    total = 0
    for member in members:
        total += member.file_size
        if total > max_unpacked or (max_member is not None and member.file_size > max_member):
            return True
        if member.file_size > ratio_floor and member.file_size > max_ratio * max(member.compress_size, 1):
            return True
    return False
