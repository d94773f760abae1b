"""The management pages' publication picker: which stored publication to read, and the words
that say what a publication is and what changed since the previous one."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import streamlit as st

from digled.accounts import organisation, programme_runs
from digled.assessment import results
from digled.content import loader, programme
from digled.insight import anonymity, assessment_figures, audiences, publications
from digled.platform import dates
from digled.platform.i18n import text
from digled.ui.widgets import md

# publications are stored in UTC; readers are in Albertslund and Glostrup
TIMEZONE = ZoneInfo("Europe/Copenhagen")
# the daily job's time of day in Danish time: deploy/daily.py RUN_AT and deploy/systemd/digled-daily.timer
DAILY_JOB_AT = (6, 0)

# participation counts are about leaders, not answers: its own words where the general ones say "answers"
def moment(at, lang: str) -> str:
    """A moment in the reader's language and Danish time (digled.platform.dates): '1. dec. 2026 kl. 07.00' /
    '1 Dec 2026 07:00'. A moment without a time zone is UTC."""
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(TIMEZONE)
    return dates.day(local, lang, "medium") + " " + dates.clock(local, lang)


def when(pub: publications.Publication, lang: str) -> str:
    """When a publication was made, in the reader's language."""
    return moment(pub.made_at, lang)


def run_label(c: programme_runs.Cohort, t) -> str:
    """A run's name, marked when it is the running one."""
    return t("{name} (running)").format(name=c.name) if c.running else c.name


def pick_run(listed: list[programme_runs.Cohort], t, key: str = "cohort", label: str | None = None, index: int = 0) -> int:
    """A selectbox of the installation's runs (`listed`: cohorts.listing, the running one first,
    then the closed ones newest first); returns the chosen run's id."""
    runs = {c.id: c for c in listed}
    ids = list(runs)
    if st.session_state.get(key) not in runs:
        st.session_state.pop(key, None)  # a run that no longer exists: back to the default
    return st.selectbox(label or t("Run"), ids, index=min(index, len(ids) - 1), key=key,
                        format_func=lambda cid: run_label(runs[cid], t))


def next_daily_job(now: datetime) -> datetime:
    """When the daily job (deploy/daily.py, deploy/systemd/digled-daily.timer) next runs after
    `now`: the next DAILY_JOB_AT in Danish time, as a moment in UTC."""
    local = now.astimezone(TIMEZONE)
    at = datetime.combine(local.date(), time(*DAILY_JOB_AT), TIMEZONE)
    if at <= local:
        at = datetime.combine(local.date() + timedelta(days=1), time(*DAILY_JOB_AT), TIMEZONE)
    return at.astimezone(UTC)


def first_step(db, user, t, prog) -> None:
    """The explicit, visible step that makes a run's first publication (while it is due): what it
    does, and a button that makes it through the release gate (publications.publish_first, the
    same `make` as the administrator's Publish now), audited with the management user pressing it."""
    st.info(t("No figures have been published for this run yet. Publishing makes the first figures management "
              "sees: only groups that single no one out are released, and every management user sees the same "
              "figures. Later publications are made by the daily run."))
    if st.button(t("Publish the first figures"), type="primary", key="publish_first"):
        made = publications.publish_first(db, loader.framework(), organisation.current(db), prog, user.username)
        if made is not None and made.id is None:
            st.session_state["_first_flash"] = t("Nothing was published: every group would be hidden, so the new run "
                                                 "has no figures yet.")
        st.rerun()


def pick(db, user, t, lang: str) -> publications.Publication | None:
    """Let the reader pick a run (when the installation has had more than one) and one of its
    publications (newest first). Reads only: while a run's first publication is due it offers the
    explicit step (`first_step`); a later due one is left to the daily job, and the page says when.
    Returns None (after saying so) when there is none."""
    prog = programme.programme(db)
    reason = publications.due(db, prog)
    if message := st.session_state.pop("_first_flash", None):
        st.info(message)
    if reason == "first":
        first_step(db, user, t, prog)
    elif reason is not None:
        st.caption(t("A new publication is due ({why}). The daily run makes it at {when}; until then you see the "
                     "latest.").format(why=t(publications.TRIGGERS[reason]),
                                       when=moment(next_daily_job(publications.now_utc()), lang)))
    runs = programme_runs.listing(db)
    cohort_id = pick_run(runs, t) if len(runs) > 1 else None
    pubs = publications.listing(db, cohort_id)
    if not pubs:
        chosen = next((c for c in runs if c.id == cohort_id), runs[0]) if runs else None
        if reason == "first" and (chosen is None or chosen.running):
            pass  # the first step above says it, with its button
        elif len(runs) > 1 and chosen is not None and chosen.running:  # a new run, opened by closing one
            st.info(t("The new run {run} has no figures yet: its first publication is made once there is something "
                      "to show without singling anyone out. The earlier runs' figures are under Run.").format(
                run=md(chosen.name)))
        else:
            st.info(t("Nothing has been published yet."))
        return None
    by_id = {p.id: p for p in pubs}
    if "publication" in st.session_state and st.session_state["publication"] not in by_id:
        del st.session_state["publication"]  # another run was chosen: its newest publication
    choice = st.selectbox(
        t("Publication"), list(by_id), key="publication",
        format_func=lambda pid: t("{when} ({why})").format(when=when(by_id[pid], lang), why=t(publications.TRIGGERS[by_id[pid].trigger])),
    )
    pub = by_id[choice]
    roster = pub.summary.get("roster", {})
    if roster.get("added") is not None:
        st.caption(t("Since the previous publication: {added} participants added, {removed} removed.").format(
            added=roster["added"], removed=roster["removed"]))
    counted = pub.summary.get("identities", {}).get("new")
    if counted is not None:
        st.caption(t("Leaders who began to count in the figures with this publication (accounts activated from the "
                     "municipalities' addresses or by single sign-on): {n}.").format(n=counted))
    return pub


def explain(shown: publications.Shown | None, k: int, t, lang: str, db, kind: str = "assessment") -> bool:
    """Say why a group is held or hidden; True when it has figures to show. `kind` names the
    publication kind when the group has no row at all."""
    kind = shown.kind if shown is not None else kind
    reasons = anonymity.reasons(kind)
    if shown is None or shown.status == "hidden":
        reason = reasons.get(shown.reason if shown else "small", reasons["small"])
        st.info(t("Hidden: {reason}.").format(reason=t(reason).format(k=k)))
        return False
    if shown.status == "held" and shown.reason:
        earlier = publications.get(db, shown.since)
        message = (t("Counts as published {when}; newer changes are held back: {reason}.") if kind == "participation"
                   else t("Figures as published {when}; newer answers are held back: {reason}."))
        st.caption(message.format(when=when(earlier, lang) if earlier else "",
                                  reason=t(reasons.get(shown.reason, shown.reason)).format(k=k)))
    return True


ALL = "__all__"


def is_exact(value) -> bool:
    """A released count or share given as a number (not a band, not withheld)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def band_words(value: dict, t) -> str:
    """A count the gate shows only as a band, in words: "fewer than 5" or "at least 8"."""
    if value["lo"] == 0:
        return t("fewer than {n}").format(n=value["hi"] + 1)
    return t("at least {n}").format(n=value["lo"])


def count_words(value, t) -> str:
    """A released count as shown: the number, its band in words, or "–" (withheld)."""
    if is_exact(value):
        return str(int(value))
    return band_words(value, t) if isinstance(value, dict) else "–"


def share_words(value, t, lang: str, n: int | None = None) -> str:
    """A released share (0..100) as shown: "42 %", a band of leaders in words, or "–"."""
    if is_exact(value):
        return f"{round(value)} %"
    if isinstance(value, dict):
        return t("{band} leaders").format(band=band_words(value, t))
    return "–"


def group_picker(org, kind: str, label: str, key: str, t, lang: str, options: list | None = None,
                  disabled: bool = False, help: str | None = None):
    options = options or [ALL, *getattr(org, kind)]
    if st.session_state.get(key, options[0]) not in options or disabled:
        st.session_state[key] = options[0]  # a value this reader may not choose (or none): the first
    choice = st.selectbox(label, options, key=key, disabled=disabled, help=help,
                          format_func=lambda v: (t("All municipalities together") if kind == "municipalities" and len(options) == 2
                                                 else t("All")) if v == ALL else text(getattr(org, kind)[v], lang))
    return None if choice == ALL else choice


def reader(db, user) -> audiences.Audience:
    """The signed-in management account's audience (audiences.of: fresh from the database)."""
    return audiences.of(db, user)


def scope_note(org, audience: audiences.Audience, t, lang: str) -> None:
    """Tell a scoped account what it reads (nothing for an unscoped one)."""
    if audience.scoped:
        st.caption(t("Your account reads {municipality}'s figures and all municipalities together, not the other "
                     "municipality's groups.").format(
            municipality=text(org.municipalities.get(audience.municipality), lang) or audience.municipality))


# the filter row's widget keys (the same on every management page; the benchmarks find them here)
ROUND_FILTER, MUNICIPALITY_FILTER, AREA_FILTER, LEVEL_FILTER = "filter_round", "filter_municipality", "filter_area", "filter_level"


def group_filters(org, t, lang: str, round_help: str | None = None,
                  audience: audiences.Audience = audiences.EVERYONE) -> tuple[str, str | None, str | None, str | None]:
    """The management pages' filter row: round, municipality, area and leader level (None for
    all); the same widget keys on every page, so a choice carries over between them. A scoped
    `audience` picks its own municipality or all together, and all together has no area or
    level (audiences.py): every choice is a group it may read."""
    names = {r: t(results.ROUND_NAMES[r]) for r in assessment_figures.ROUNDS}
    cols = st.columns(4)
    with cols[0]:
        rnd = st.selectbox(t("Round"), list(names), format_func=names.get, key=ROUND_FILTER, help=round_help)
    own = [audience.municipality, ALL] if audience.scoped else None
    with cols[1]:
        mun = group_picker(org, "municipalities", t("Municipality"), MUNICIPALITY_FILTER, t, lang, own)
    joint_only = not audience.breaks_down(mun)
    why = t("All municipalities together are shown as a whole to your account.") if joint_only else None
    with cols[2]:
        area = group_picker(org, "areas", t("Area"), AREA_FILTER, t, lang, disabled=joint_only, help=why)
    with cols[3]:
        lvl = group_picker(org, "levels", t("Leader level"), LEVEL_FILTER, t, lang, disabled=joint_only, help=why)
    return rnd, mun, area, lvl
