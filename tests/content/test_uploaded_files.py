"""Files uploaded in the app (issue 12): checks by content, versions, audit, the kick-off's
slots and film addresses, and the handbook reaching a leader only once it is unlocked."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, timedelta

import pytest

from digled.accounts import auth
from digled.content import uploaded_files
from digled.platform import audit, dates
from digled.programme import journey, kickoff, schedule


def small_pdf(text: str = "Håndbog") -> bytes:
    """A real one-page PDF, built by hand (objects, cross-reference table with true offsets)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text.encode('ascii', 'replace').decode()}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def small_pptx(extra: dict[str, bytes] | None = None) -> bytes:
    """A zip laid out like a PowerPoint presentation (content types and a ppt/ folder)."""
    buffer = io.BytesIO()
    members = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                               'package/2006/content-types"/>',
        "_rels/.rels": "<Relationships/>",
        "ppt/presentation.xml": "<p:presentation xmlns:p='urn:p'/>",
        "ppt/slides/slide1.xml": "<p:sld xmlns:p='urn:p'/>",
        **(extra or {}),
    }
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            # a fixed time stamp: two calls a second apart give the same bytes
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data,
                       compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_the_hand_built_pdf_is_a_real_pdf():
    pdf = small_pdf()
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref:xref + 4] == b"xref"
    assert pdf[int(pdf[xref:].split(b"\n")[3][:10]):].startswith(b"1 0 obj")  # object 1 where the table says


def test_a_real_pdf_is_stored_as_version_1_with_its_hash_and_an_audit_row(database):
    pdf = small_pdf()
    stored = uploaded_files.upload(database, "handbook", "Håndbog 2026.pdf", pdf, "admin")
    assert (stored.slot, stored.version, stored.filename, stored.mime, stored.size) == (
        "handbook", 1, "Håndbog 2026.pdf", "application/pdf", len(pdf))
    assert stored.sha256 == hashlib.sha256(pdf).hexdigest() and stored.uploaded_by == "admin"
    data, meta = uploaded_files.read(database, "handbook")
    assert data == pdf and meta == stored
    row = audit.recent(database)[0]
    assert (row["actor"], row["action"]) == ("admin", "upload file")
    assert row["detail"].startswith(f"handbook version 1: Håndbog 2026.pdf ({len(pdf)} bytes")


def test_versions_count_up_per_slot_and_the_newest_is_served(database):
    first, second = small_pdf("one"), small_pdf("two")
    uploaded_files.upload(database, "handbook", "a.pdf", first, "admin")
    uploaded_files.upload(database, "kickoff:invitation", "inv.pdf", first, "anne")
    uploaded_files.upload(database, "handbook", "b.pdf", second, "anne")
    assert [v.version for v in uploaded_files.versions(database, "handbook")] == [2, 1]
    assert [v.filename for v in uploaded_files.versions(database, "handbook")] == ["b.pdf", "a.pdf"]
    assert uploaded_files.latest(database, "handbook").uploaded_by == "anne"
    assert uploaded_files.read(database, "handbook")[0] == second
    assert uploaded_files.read(database, "handbook", 1)[0] == first
    assert uploaded_files.latest(database, "kickoff:invitation").version == 1
    assert uploaded_files.read(database, "handbook", 3) is None and uploaded_files.latest(database, "x") is None
    assert {s: f.version for s, f in uploaded_files.latest_all(database).items()} == {
        "handbook": 2, "kickoff:invitation": 1}
    assert not hasattr(uploaded_files.versions(database, "handbook")[0], "data")  # metadata only
    assert [r["action"] for r in audit.recent(database)] == ["upload file"] * 3


@pytest.mark.parametrize("name, data", [
    ("handbook.pdf", b"Just some text, renamed to .pdf\n"),
    ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200)),  # a Windows program
    ("slides.pdf", None),  # a .pptx named .pdf is not taken in the handbook's place
])
def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(database, name, data):
    data = data if data is not None else small_pptx()
    with pytest.raises(uploaded_files.FileRefused) as e:
        uploaded_files.upload(database, "handbook", name, data, "admin")
    assert str(e.value) == f"{name}: not a PDF file, whatever its name says"
    assert uploaded_files.versions(database, "handbook") == []
    assert audit.recent(database) == []


def test_a_truncated_pdf_and_an_empty_file_are_refused(database):
    with pytest.raises(uploaded_files.FileRefused, match="^half.pdf: the PDF file is incomplete"):
        uploaded_files.upload(database, "handbook", "half.pdf", small_pdf()[:200], "admin")
    with pytest.raises(uploaded_files.FileRefused, match="^empty.pdf: the file is empty$"):
        uploaded_files.upload(database, "handbook", "empty.pdf", b"", "admin")


def test_a_file_over_20_mb_is_refused_naming_its_size(database):
    big = small_pdf()[:-6] + b" " * (20 * 1024 * 1024) + b"%%EOF\n"
    with pytest.raises(uploaded_files.FileRefused) as e:
        uploaded_files.upload(database, "handbook", "big.pdf", big, "admin")
    assert str(e.value) == "big.pdf: the file is 20.0 MB; at most 20 MB is accepted"
    exactly = small_pdf()[:-6] + b" " * (uploaded_files.MAX_BYTES - len(small_pdf())) + b"%%EOF\n"
    assert len(exactly) == uploaded_files.MAX_BYTES
    assert uploaded_files.upload(database, "handbook", "just.pdf", exactly, "admin").size == 20 * 1024 * 1024


def test_slides_take_a_pptx_and_a_pdf_but_the_handbook_takes_no_pptx(database):
    slot = "kickoff:talk:fremtid:slides"
    stored = uploaded_files.upload(database, slot, "Fremtid.pptx", small_pptx(), "admin")
    assert stored.mime == uploaded_files.PPTX and stored.filename == "Fremtid.pptx"
    assert uploaded_files.upload(database, slot, "Fremtid.pdf", small_pdf(), "admin").version == 2
    with pytest.raises(uploaded_files.FileRefused, match="neither a PDF nor a PowerPoint"):
        uploaded_files.upload(database, slot, "notes.pptx", b"plain text", "admin")


def test_a_zip_that_is_not_a_presentation_is_refused(database):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(uploaded_files.FileRefused, match=r"^talk.pptx: not a PowerPoint presentation"):
        uploaded_files.upload(database, "kickoff:talk:center:slides", "talk.pptx", buffer.getvalue(), "admin")
    with pytest.raises(uploaded_files.FileRefused, match=r"^broken.pptx: the PowerPoint file cannot be read"):
        uploaded_files.upload(database, "kickoff:talk:center:slides", "broken.pptx",
                             small_pptx()[:60], "admin")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(database):
    bomb = small_pptx({"ppt/media/image1.png": bytes(5 * 1024 * 1024)})  # 5 MB of zeros packs to ~5 KB
    assert len(bomb) < 20_000
    with pytest.raises(uploaded_files.FileRefused, match=r"^bomb.pptx: the PowerPoint file unpacks to far too much"):
        uploaded_files.upload(database, "kickoff:talk:center:slides", "bomb.pptx", bomb, "admin")
    assert uploaded_files.versions(database, "kickoff:talk:center:slides") == []


def test_too_many_members_or_too_much_in_all_is_refused(database, monkeypatch):
    many = small_pptx({f"ppt/slides/slide{i}.xml": "<s/>" for i in range(2, 12)})  # 14 files
    monkeypatch.setattr(uploaded_files, "MAX_ZIP_MEMBERS", 13)
    with pytest.raises(uploaded_files.FileRefused, match="unpacks to far too much"):
        uploaded_files.upload(database, "kickoff:talk:center:slides", "many.pptx", many, "admin")
    monkeypatch.setattr(uploaded_files, "MAX_ZIP_MEMBERS", 14)
    assert uploaded_files.upload(database, "kickoff:talk:center:slides", "many.pptx", many, "admin").version == 1
    monkeypatch.setattr(uploaded_files, "MAX_ZIP_UNPACKED_BYTES", 100)
    with pytest.raises(uploaded_files.FileRefused, match="unpacks to far too much"):
        uploaded_files.upload(database, "kickoff:talk:center:slides", "many.pptx", many, "admin")


def test_a_zip_whose_directory_lies_about_sizes_is_refused(database):
    # 3 MB of zeros whose headers claim 10 bytes: the directory checks pass, the unpacking does not
    data = bytearray(small_pptx({"ppt/media/a.bin": bytes(3 * 1024 * 1024)}))
    name = b"ppt/media/a.bin"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[at + size_at:at + size_at + 4] = (10).to_bytes(4, "little")
            at += 4
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        assert z.getinfo("ppt/media/a.bin").file_size == 10  # the lie
    with pytest.raises(uploaded_files.FileRefused, match=r"^liar.pptx: the PowerPoint file cannot be read"):
        uploaded_files.upload(database, "kickoff:talk:center:slides", "liar.pptx", bytes(data), "admin")


@pytest.mark.parametrize("name, mime, expected", [
    ("../../etc/Håndbog.pdf", uploaded_files.PDF, "Håndbog.pdf"),
    ("C:\\Users\\anne\\Slides.PPTX", uploaded_files.PPTX, "Slides.pptx"),
    ("slides.pdf", uploaded_files.PPTX, "slides.pptx"),
    ("bad\x00<name>?.pdf", uploaded_files.PDF, "badname.pdf"),
    ("   ", uploaded_files.PDF, "fil.pdf"),
    ("a" * 300 + ".pdf", uploaded_files.PDF, "a" * 116 + ".pdf"),
])
def test_file_names_are_cleaned(name, mime, expected):
    assert uploaded_files.clean_filename(name, mime) == expected


def test_an_unknown_slot_name_is_refused(database):
    with pytest.raises(uploaded_files.FileRefused, match="there is no place"):
        uploaded_files.upload(database, "../x", "a.pdf", small_pdf(), "admin")


# --- data/kickoff.yaml -----------------------------------------------------------------------------


ADMIN_FILES = "pages/admin_files.py"
MATERIALS = "pages/materials.py"


def open_page(username: str, path: str, lang: str = "en"):
    from tests.apptest import app_as

    at = app_as(username, lang=lang).run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def save_upload(at, slot_key: str, name: str, data: bytes, mime: str = "application/pdf"):
    generation = at.session_state[f"_gen_{slot_key}"] if f"_gen_{slot_key}" in at.session_state else 0
    at.file_uploader(key=f"file_{slot_key}_{generation}").set_value((name, data, mime)).run()
    at.button(key=f"save_{slot_key}").click().run()
    assert not at.exception, at.exception
    return at


def texts(at, kind: str) -> list[str]:
    return [str(e.value) for e in getattr(at, kind)]


@pytest.mark.parametrize("lang, saved, version_2", [
    ("en", "Handbook: Involving employees: saved handbook-2026.pdf as version 1.",
     "Served now: version 2, handbook-v2.pdf"),
    ("da", "Håndbog: Inddragelse af medarbejderne: gemte handbook-2026.pdf som version 1.",
     "Bruges nu: version 2, handbook-v2.pdf"),
])
def test_the_administrator_uploads_a_handbook_twice_and_downloads_version_1(demo_db, monkeypatch, lang, saved,
                                                                               version_2):
    from tests.apptest import Downloads

    files = Downloads(monkeypatch)
    first, second = small_pdf("first"), small_pdf("second")
    at = open_page("admin", ADMIN_FILES, lang)
    save_upload(at, "handbook", "handbook-2026.pdf", first)
    assert saved in texts(at, "success")
    save_upload(at, "handbook", "handbook-v2.pdf", second)
    assert any(c.startswith(version_2) for c in texts(at, "caption"))
    [table] = [d.value for d in at.dataframe]  # only the handbook has versions
    assert list(table.iloc[:, 0]) == [2, 1] and list(table.iloc[:, 1]) == ["handbook-v2.pdf", "handbook-2026.pdf"]
    assert list(table.iloc[:, 4]) == ["admin", "admin"]
    assert files.get(at, "download_handbook") == second
    at.selectbox(key="pick_handbook_2").set_value(1).run()
    assert files.get(at, "download_handbook") == first
    assert [r["action"] for r in audit.recent(demo_db)][:2] == ["upload file", "upload file"]


@pytest.mark.parametrize("lang, message", [
    ("en", "Programme for the day: not saved. programme.pdf: not a PDF file, whatever its name says"),
    ("da", "Dagens program: ikke gemt. programme.pdf: ikke en PDF-fil, uanset hvad navnet siger"),
])
def test_a_bad_file_is_named_in_the_error_and_stays_chosen(demo_db, lang, message):
    at = open_page("admin", ADMIN_FILES, lang)
    save_upload(at, "kickoff_programme", "programme.pdf", b"MZ\x90\x00 this is a program, not a PDF")
    assert message in texts(at, "error")
    assert at.file_uploader(key="file_kickoff_programme_0").value.name == "programme.pdf"  # nothing lost
    assert uploaded_files.versions(demo_db, "kickoff:programme") == []


def test_slides_take_a_pptx_and_a_film_address_is_checked_and_kept(demo_db):
    at = open_page("admin", ADMIN_FILES)
    save_upload(at, "kickoff_talk_fremtid_slides", "Fremtid.pptx", small_pptx(), uploaded_files.PPTX)
    assert "Future and vision: saved Fremtid.pptx as version 1." in texts(at, "success")
    at.text_input(key="film_fremtid").set_value("http://video.example.dk/fremtid").run()
    at.button(key="save_film_fremtid").click().run()
    assert ("Future and vision: the film address was not saved: the address must start with https://."
            in texts(at, "error"))
    assert at.text_input(key="film_fremtid").value == "http://video.example.dk/fremtid"  # kept to correct
    at.text_input(key="film_fremtid").set_value("https://video.example.dk/fremtid").run()
    at.button(key="save_film_fremtid").click().run()
    assert "Future and vision: the film address was saved." in texts(at, "success")
    assert kickoff.films(demo_db)["fremtid"] == "https://video.example.dk/fremtid"


def test_a_leader_and_management_cannot_open_the_files_page(demo_db):
    from tests.apptest import app_as

    for username in ("leder", "ledelse"):
        at = app_as(username, page=ADMIN_FILES).run()
        assert "You do not have access to this page." in texts(at, "error")
        assert not at.file_uploader and not at.button


# --- pages: what a leader gets -----------------------------------------------------------------------


def leader_id(db) -> int:
    return auth.get_user(db, "leder").id


def test_the_kickoff_box_says_what_is_not_uploaded_and_offers_what_is(demo_db, monkeypatch):
    from tests.apptest import Downloads

    files = Downloads(monkeypatch)
    at = open_page("leder", MATERIALS)
    md = "\n".join(texts(at, "markdown"))
    assert "Invitation from the municipal chief executives – not uploaded yet" in md
    assert texts(at, "caption").count("Slides not uploaded yet.") == 6
    assert texts(at, "caption").count("No film yet.") == 6
    invitation = small_pdf("invitation")
    uploaded_files.upload(demo_db, "kickoff:invitation", "Invitation.pdf", invitation, "admin")
    uploaded_files.upload(demo_db, "kickoff:talk:center:slides", "center.pptx", small_pptx(), "admin")
    kickoff.set_film(demo_db, "center", "https://video.example.dk/center", "admin")
    at = open_page("leder", MATERIALS, "da")
    assert files.get(at, "file_kickoff_invitation") == invitation
    assert files.get(at, "slides_center") == small_pptx()
    assert [b.url for b in at.get("link_button") if "Center for Digital Ledelse" in b.proto.label] == [
        "https://video.example.dk/center"]
    assert "- Dagens program – ikke uploadet endnu" in texts(at, "markdown")
    assert texts(at, "caption").count("Slides er ikke uploadet endnu.") == 5


def test_the_handbook_is_hidden_before_unlock_and_downloads_after(demo_db, monkeypatch):
    from tests.apptest import Downloads

    files = Downloads(monkeypatch)
    book = small_pdf("handbook")
    uploaded_files.upload(demo_db, "handbook", "Håndbog.pdf", book, "admin")
    at = open_page("leder", MATERIALS)
    assert not journey.handbook_unlocked(demo_db, leader_id(demo_db))  # the demo is mid-programme
    opens = dates.day(journey.handbook_opens(demo_db), "en")
    assert (f"The handbook is unlocked when you have taken the end assessment, and for everyone from {opens}."
            in texts(at, "info"))
    assert not at.get("download_button") or all(not b.proto.id.endswith("-handbook_download")
                                                for b in at.get("download_button"))
    demo_db.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'end', ?)",
                    [leader_id(demo_db), date.today().isoformat()])
    demo_db.conn.commit()
    at = open_page("leder", MATERIALS, "da")
    assert files.get(at, "handbook_download") == book
    assert [b.proto.label for b in at.get("download_button") if b.proto.id.endswith("-handbook_download")] == [
        "Download håndbogen"]


def test_attack_a_stale_page_gives_a_leader_no_handbook_once_it_is_locked_again(demo_db, monkeypatch):
    """The page was drawn while the handbook was unlocked; at the click it no longer is (the end
    assessment row gone, the date moved): the deferred download makes nothing."""
    from tests.apptest import click_download, deferred_downloads

    made = deferred_downloads(monkeypatch)
    uploaded_files.upload(demo_db, "handbook", "h.pdf", small_pdf(), "admin")
    lea = leader_id(demo_db)
    demo_db.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'end', ?)",
                    [lea, date.today().isoformat()])
    demo_db.conn.commit()
    at = open_page("leder", MATERIALS)
    assert click_download(at, made, "handbook_download") == small_pdf()  # the button works while unlocked
    demo_db.execute("DELETE FROM participation WHERE user_id = ? AND round = 'end'", [lea])
    demo_db.conn.commit()
    with pytest.raises(kickoff.HandbookLocked):
        click_download(at, made, "handbook_download")


def test_attack_management_and_a_locked_leader_get_no_handbook(demo_db, monkeypatch):
    from digled.ui import downloads
    from tests.apptest import app_as

    uploaded_files.upload(demo_db, "handbook", "h.pdf", small_pdf(), "admin")
    # management cannot open the leaders' page ...
    at = app_as("ledelse", page=MATERIALS).run()
    assert "You do not have access to this page." in texts(at, "error") and not at.get("download_button")
    # ... and even when the handbook's date has passed (unlocked "for everyone"), the file is only
    # for leaders: not through the download's own check, not through the domain function
    schedule.set_kickoff(demo_db, "admin", date.today() - timedelta(days=400))
    boss = auth.get_user(demo_db, "ledelse")
    assert journey.handbook_unlocked(demo_db, boss.id)
    with pytest.raises(kickoff.HandbookLocked):
        kickoff.handbook_file(demo_db, boss.id)
    at = open_page("leder", MATERIALS)  # a leader's page, as the AppTest session context
    made = downloads.with_database(lambda d: kickoff.handbook_file(d, boss.id)[0], boss.username, "leader")
    with pytest.raises(downloads.NotAllowed):
        made()
    # a leader whose handbook is locked gets nothing from the function either
    schedule.set_kickoff(demo_db, "admin", date.today())
    with pytest.raises(kickoff.HandbookLocked):
        kickoff.handbook_file(demo_db, leader_id(demo_db))


def test_an_unlocked_leader_is_told_plainly_when_no_handbook_is_uploaded(demo_db):
    demo_db.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'end', ?)",
                    [leader_id(demo_db), date.today().isoformat()])
    demo_db.conn.commit()
    at = open_page("leder", MATERIALS, "da")
    assert "Håndbogen er ikke uploadet endnu. Den kommer her, så snart den er." in texts(at, "info")
    assert not [b for b in at.get("download_button") if b.proto.id.endswith("-handbook_download")]
    assert any(b.key == "seen_handbook" for b in at.button)  # unlocked: it can be marked as read


# --- the meetings' and workshops' materials (data/programme.yaml) ----------------------------------


def test_a_material_has_a_slot_that_takes_a_pdf_or_slides(database):
    slot = uploaded_files.material_slot("workshop1", "slides")
    assert slot == "material:workshop1:slides" and uploaded_files.accepts_slides(slot)
    assert uploaded_files.upload(database, slot, "Slides.pptx", small_pptx(), "admin").mime == uploaded_files.PPTX
    assert uploaded_files.upload(database, slot, "Slides.pdf", small_pdf(), "admin").version == 2


def _programme_with(tmp_path, workshop1_materials: str):
    """data/programme.yaml with workshop 1's materials list replaced by `workshop1_materials`."""
    from digled.content import activities
    from digled.platform.config import DATA_DIR

    text = (DATA_DIR / "programme.yaml").read_text(encoding="utf-8")
    old = ('      - {id: programme, title: {da: "Program for workshoppen", en: "Workshop programme"}, url: ""}\n'
           '      - {id: slides, title: {da: "Slides fra workshoppen", en: "Workshop slides"}, url: ""}\n')
    assert old in text
    path = tmp_path / "programme.yaml"
    path.write_text(text.replace(old, workshop1_materials, 1), encoding="utf-8")
    return activities.load_programme(path)


AGENDA = '      - {id: agenda, title: {da: "Dagsorden", en: "Agenda"}, url: ""}\n'
PROGRAMME = '      - {id: programme, title: {da: "Program for workshoppen", en: "Workshop programme"}, url: ""}\n'
SLIDES = '      - {id: slides, title: {da: "Slides fra workshoppen", en: "Workshop slides"}, url: ""}\n'
WITHOUT_IDS = ('      - {title: {da: "Program for workshoppen", en: "Workshop programme"}, url: ""}\n'
               '      - {title: {da: "Slides fra workshoppen", en: "Workshop slides"}, url: ""}\n')


def test_an_upload_keeps_its_material_when_the_list_is_edited(database, tmp_path):
    """The slides uploaded to workshop 1 stay the slides when an agenda is put first and the
    programme taken out: the slot follows the material's id, not its place."""
    before = _programme_with(tmp_path, PROGRAMME + SLIDES).activity("workshop1")
    slides = before.materials[1]
    uploaded_files.upload(database, uploaded_files.material_slot("workshop1", slides.id), "s.pdf", small_pdf(), "admin")
    after = _programme_with(tmp_path, AGENDA + SLIDES).activity("workshop1")
    assert [m.id for m in after.materials] == ["agenda", "slides"]
    files = uploaded_files.latest_all(database)
    assert files[uploaded_files.material_slot("workshop1", after.materials[1].id)].filename == "s.pdf"
    assert uploaded_files.material_slot("workshop1", after.materials[0].id) not in files


def test_files_uploaded_by_place_move_to_their_materials_id_once(database, tmp_path):
    """Before materials had ids, a slot was the place in the list ("material:workshop1:1"); at
    start-up every version moves to the id of the material at that place, once: a later edit
    of the list moves nothing, and a list still without ids keeps its place-numbered slots."""
    old_prog = _programme_with(tmp_path, WITHOUT_IDS)
    assert [m.id for m in old_prog.activity("workshop1").materials] == ["0", "1"]  # the old slots, as they were
    uploaded_files.upload(database, "material:workshop1:1", "v1.pdf", small_pdf(), "admin")
    uploaded_files.upload(database, "material:workshop1:1", "v2.pdf", small_pdf("to"), "admin")
    uploaded_files.upload(database, "material:workshop1:0", "p.pdf", small_pdf("p"), "admin")
    assert uploaded_files.adopt_material_ids(database, old_prog.activities) == []  # no ids yet: nothing moves

    with_ids = _programme_with(tmp_path, PROGRAMME + SLIDES)
    moved = uploaded_files.adopt_material_ids(database, with_ids.activities)
    assert sorted(moved) == [("material:workshop1:0", "material:workshop1:programme"),
                             ("material:workshop1:1", "material:workshop1:slides")]
    assert [v.filename for v in uploaded_files.versions(database, "material:workshop1:slides")] == ["v2.pdf", "v1.pdf"]
    assert uploaded_files.latest(database, "material:workshop1:1") is None
    assert any(e["action"] == "move file slot" for e in database["audit_log"].rows)

    edited = _programme_with(tmp_path, AGENDA + SLIDES)  # edited later: nothing moves again
    assert uploaded_files.adopt_material_ids(database, edited.activities) == []
    assert uploaded_files.latest(database, "material:workshop1:slides").filename == "v2.pdf"


def test_a_material_id_is_checked(tmp_path):
    from digled.content.loader import ContentError

    with pytest.raises(ContentError, match=r"activity workshop1: materials\[1\].*used once"):
        _programme_with(tmp_path, PROGRAMME + PROGRAMME)
    with pytest.raises(ContentError, match="start with a letter"):
        _programme_with(tmp_path, PROGRAMME.replace("id: programme", "id: 2"))


@pytest.mark.parametrize("lang, saved, follows, marker", [
    ("en", "Joint workshop 1: Workshop slides: saved slides.pdf as version 1.", "- Workshop programme (link follows)",
     "(link follows)"),
    ("da", "Fælles workshop 1: Slides fra workshoppen: gemte slides.pdf som version 1.",
     "- Program for workshoppen (link kommer senere)", "(link kommer senere)"),
])
def test_workshop_materials_are_uploaded_and_the_leader_downloads_them(demo_db, monkeypatch, lang, saved, follows,
                                                                      marker):
    from tests.apptest import Downloads

    files = Downloads(monkeypatch)
    leader = open_page("leder", "pages/meetings.py", lang)
    before = texts(leader, "markdown")
    assert follows in before and sum(marker in m for m in before) == 4  # two per workshop, nothing uploaded
    data = small_pdf("workshop slides")
    at = open_page("admin", ADMIN_FILES, lang)
    save_upload(at, "material_workshop1_slides", "slides.pdf", data)
    assert saved in texts(at, "success")
    leader = open_page("leder", "pages/meetings.py", lang)
    shown = texts(leader, "markdown")
    assert follows in shown  # the programme is still to follow
    assert sum(marker in m for m in shown) == 3  # only the uploaded slides became a download
    assert files.get(leader, "material_workshop1_slides") == data
