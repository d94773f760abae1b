import importlib
import inspect
import pkgutil
import re
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import digled
from digled.accounts import impersonation, invitations, participants
from digled.assessment import answering
from digled.insight import publications
from digled.platform import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "t": None}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def used_messages() -> set[str]:
    found = set()
    method_map = [("app.py", "python"), ("pages/**.py", "python"), ("digled/**.py", "python")]
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue() -> dict[str, str]:
    with i18n.po_path("da").open("rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id}


def test_every_ui_string_has_a_danish_translation():
    da = catalogue()
    missing = sorted(m for m in used_messages() if not da.get(m))
    assert missing == [], f"run pybabel extract/update and translate: {missing}"


def test_translations_keep_their_placeholders():
    for msgid, msgstr in catalogue().items():
        if msgstr:
            assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(msgstr)), msgid


def test_danish_is_the_default_and_english_is_the_source():
    assert i18n.DEFAULT_LANGUAGE == "da"
    assert i18n.translator("da")("Log in") == "Log ind"
    assert i18n.translator("en")("Log in") == "Log in"
    assert i18n.translator("xx")("Log in") == "Log ind"  # unknown language falls back to Danish


def test_content_text_picks_the_language():
    assert i18n.text({"da": "Viden", "en": "Knowledge"}, "en") == "Knowledge"
    assert i18n.text({"da": "Viden", "en": ""}, "en") == "Viden"
    assert i18n.text(None, "da") == ""


def test_no_translation_call_inside_an_f_string():
    """pybabel cannot see t("...") inside an f-string: translate first, then format."""
    import ast

    found = []
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "digled").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if (isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in {*KEYWORDS, "ngettext"}
                            and inner.args and isinstance(inner.args[0], ast.Constant)):
                        found.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert found == [], found


# --- the one base class of the domain's user-facing errors (issue 19) ---------------------------
# Every exception class a page shows to a user derives from i18n.MessageError; the others say in
# their docstring why they are not user-facing. A new exception class lands in one of the lists.
USER_FACING = {
    "digled.accounts.identities.RoleRequestError", "digled.accounts.impersonation.AccountError",
    "digled.accounts.importer.ImportRejected", "digled.accounts.invitations.InvitationRefused",
    "digled.accounts.organisation.InvalidList", "digled.accounts.organisation.InvalidMinGroupSize",
    "digled.accounts.participants.InvalidParticipant", "digled.accounts.programme_runs.CohortError",
    "digled.assessment.answering.AnswerError", "digled.assessment.importance.ImportanceError",
    "digled.assessment.plan.PlanError", "digled.assessment.retention.RetentionError",
    "digled.content.admin_edits.OverrideError", "digled.content.guides.InvalidVideoUrl",
    "digled.content.guides.InvalidVideos", "digled.content.uploaded_files.FileRefused",
    "digled.insight.profiles.InvalidProfile", "digled.insight.publications.InvalidPeriod",
    "digled.insight.publications.PublishRefused", "digled.platform.i18n.ProblemsError",
    "digled.programme.errors.ProgrammeError", "digled.programme.first_run.SetupError",
    "digled.programme.journey.JourneyError", "digled.programme.schedule.ScheduleError",
    "digled.programme.schedule.ScheduleWarning", "digled.programme.kickoff.FilmRefused",
    "digled.programme.leader_groups.GroupError", "digled.programme.service.ServiceError",
    "digled.programme.workshops.WorkshopError",
}
NOT_USER_FACING = {  # each docstring says why: the operator's, or answered by the page's own words
    "digled.platform.config.ConfigError", "digled.platform.db.StorageError", "digled.platform.mailer.MailError",
    "digled.platform.sealing.SealError", "digled.content.loader.ContentError",
    "digled.programme.kickoff.HandbookLocked", "digled.ui.downloads.NotAllowed",
}


def _exception_classes() -> dict[str, type]:
    found = {}
    for info in pkgutil.walk_packages(digled.__path__, "digled."):
        if info.name == "digled.__main__":
            continue
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, BaseException) and cls.__module__ == module.__name__:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


def test_every_exception_class_is_listed_as_user_facing_or_not():
    assert set(_exception_classes()) - {"digled.platform.i18n.MessageError"} == USER_FACING | NOT_USER_FACING


def test_every_user_facing_error_is_a_message_error():
    classes = _exception_classes()
    assert sorted(n for n in USER_FACING if not issubclass(classes[n], i18n.MessageError)) == []
    assert sorted(n for n in NOT_USER_FACING if issubclass(classes[n], i18n.MessageError)) == []
    for name in NOT_USER_FACING:
        assert "not user-facing" in (classes[name].__doc__ or "").lower(), f"{name}: the docstring says why not"


def test_a_message_error_is_english_in_str_and_translated_by_text():
    da = i18n.translator("da")
    e = answering.AnswerError(i18n.N_("The answer is outside the scale."))
    assert str(e) == "The answer is outside the scale."
    assert e.text(da) == da("The answer is outside the scale.") != str(e)
    e = impersonation.AccountError(impersonation.WRONG_PASSWORD)
    assert str(e) == "The current password is wrong." and e.text(da) == da(impersonation.WRONG_PASSWORD) != str(e)
    e = invitations.InvitationRefused(invitations.ACTIVATED)
    assert str(e) == invitations.ACTIVATED and e.text(da) == da(invitations.ACTIVATED) != str(e)


def test_text_may_show_a_param_in_the_pages_form():
    e = publications.PublishRefused(
        i18n.N_("A publication was made less than a day ago. The next one can be made from {when}."),
        datetime(2026, 9, 1, 10, 42, tzinfo=UTC))
    assert str(e).endswith("from 2026-09-01 10:42 UTC.")
    da = i18n.translator("da")
    shown = e.text(da, when="1. september 2026 kl. 12.42")
    assert shown.endswith("1. september 2026 kl. 12.42.") and shown != str(e)


def test_several_problems_are_listed_in_english_and_translated_by_text():
    held = participants.EMAIL_IS_THE_HOLDERS
    e = participants.InvalidParticipant([participants.FieldProblem("email", held), participants.FieldProblem("name", held)])
    assert str(e) == f"Nothing was saved: {participants.FIELD_LABELS['email']}: {held}; {participants.FIELD_LABELS['name']}: {held}"
    da = i18n.translator("da")
    listed = "; ".join(f"{da(participants.FIELD_LABELS[f])}: {da(held)}" for f in ("email", "name"))
    assert e.text(da) == da("Nothing was saved: {problems}").format(problems=listed) != str(e)
