"""digled.platform.zipcheck: an uploaded zip's directory is refused before unpacking when it
declares too many files, too many bytes, a file too big, or a file that unpacks far beyond its
packed size (past a floor)."""

import zipfile

import pytest

from digled.platform import zipcheck

LIMITS = dict(max_members=3, max_unpacked=1000, max_ratio=10, ratio_floor=100)


def _member(size, packed):
    info = zipfile.ZipInfo("x")
    info.file_size, info.compress_size = size, packed
    return info


def test_a_modest_directory_passes():
    assert zipcheck.directory_too_big([_member(300, 100), _member(50, 50)], **LIMITS) is False
    assert zipcheck.directory_too_big([], **LIMITS) is False


@pytest.mark.parametrize("members, extra", [
    ([_member(1, 1)] * 4, {}),                       # more files than max_members
    ([_member(600, 600), _member(401, 401)], {}),    # 1001 bytes in all
    ([_member(200, 200)], {"max_member": 199}),      # one file over max_member
    ([_member(101, 10)], {}),                        # past the floor, more than 10 x its packed size
    ([_member(500, 0)], {}),                         # a packed size of 0 counts as 1
])
def test_a_directory_too_big_is_refused(members, extra):
    assert zipcheck.directory_too_big(members, **LIMITS, **extra) is True


def test_a_high_ratio_below_the_floor_or_at_the_ratio_passes():
    assert zipcheck.directory_too_big([_member(100, 1)], **LIMITS) is False  # at the floor
    assert zipcheck.directory_too_big([_member(200, 20)], **LIMITS) is False  # exactly 10 x
    assert zipcheck.directory_too_big([_member(200, 200)], **LIMITS, max_member=200) is False


def test_a_real_zip_bomb_directory(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xml", b"0" * 200_000)
    with zipfile.ZipFile(path) as z:
        assert zipcheck.directory_too_big(z.infolist(), max_members=10, max_unpacked=10**7, max_ratio=100,
                                          ratio_floor=1000) is True
