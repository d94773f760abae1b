"""Påmindelser og invitationer: preview and send the programme's reminders, see the send log,
invite leaders who have not activated their account yet (never an activated account: see
participants.send_password_reset). The same functions as
`python -m digled reminders` and `python -m digled invite`."""

from datetime import date

import pandas as pd
import streamlit as st

from digled.accounts import invitations
from digled.platform import config, dates, mailer
from digled.programme import invitation_sending, outbox, reminder_due, reminder_messages, reminder_sending
from digled.ui import session, widgets

user, t = session.page(__file__)
db = session.database()
settings = session.context().settings
lang = session.language()


def moment(value) -> str:
    """A send-log time as people read it: '1. december 2026 kl. 10.42'."""
    if not value:
        return ""
    return dates.day(value, lang, "medium") + " " + dates.clock(value, lang)

st.title(t("Reminders and invitations"))
try:
    mail = mailer.load(settings)
except config.ConfigError as e:
    st.error(t("The mail settings are invalid."))
    st.code(str(e), language=None)
    st.stop()
if mail.uses_smtp:
    st.caption(t("E-mails are sent through {server}.").format(server=mail.describe()))
else:
    st.caption(t("No SMTP server is set: e-mails are written as .eml files to {folder}.").format(
        folder=str(mail.outbox)))

# --- due reminders --------------------------------------------------------------------------
st.subheader(t("Due reminders"))
st.info(t("Each leader gets at most one reminder e-mail a day, listing everything that opened or falls "
          "due for them. A leader already e-mailed today gets nothing more today: what became due since goes "
          "out with the next day's e-mail. A film is only announced once its video is online."),
        icon=":material/mark_email_unread:")
day = st.date_input(t("Date"), value=date.today(), key="reminders_date", format=dates.picker_format(lang),
                    min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
items = reminder_due.digests(db, settings, day)
st.caption(t("{n} e-mails are due on this date and not sent yet, listing {m} reminders.").format(
    n=len(items), m=sum(len(d.items) for d in items)))
if items:
    st.dataframe(
        pd.DataFrame(
            [
                {t("Recipient"): d.user.name, t("E-mail"): d.user.email, t("Kind"): t(outbox.KIND_LABELS[d.kind]),
                 t("Lists"): ", ".join(t(outbox.KIND_LABELS[r.kind]) + (f" ({r.activity})" if r.activity else "")
                                      for r in d.items),
                 t("Subject"): d.subject}
                for d in items
            ]
        ),
        hide_index=True,
        width="stretch",
        key="due_table",
    )
    chosen = st.selectbox(
        t("Preview a message"),
        range(len(items)),
        format_func=lambda i: f"{items[i].user.name}: {items[i].subject}",
        key="preview_choice",
    )
    if any(r.kind == "invitation" for r in items[chosen].items):
        st.caption(t("The invitation link is created when the message is sent."))
    st.code(reminder_messages.preview(items[chosen], t), language=None, wrap_lines=True)

    if day != date.today():
        st.info(t("Reminders are sent for today's date only; another date is a preview."))
    else:
        confirm = st.checkbox(t("Yes, send {n} e-mails now").format(n=len(items)), key="confirm_send")
        if st.button(t("Send now"), type="primary", disabled=not confirm, key="send_now"):
            with st.spinner(t("Sending...")):
                summary = reminder_sending.run(db, settings, day, mail=mail, actor=user.username)
            st.session_state["_reminder_summary"] = (summary.sent, summary.failed, summary.skipped,
                                                      dict(summary.errors))
            st.session_state.pop("confirm_send", None)
            st.rerun()

result = st.session_state.pop("_reminder_summary", None)
if result:
    sent, failed, skipped, errors = result
    message = t("Sent {sent}, failed {failed}, skipped {skipped}.").format(sent=sent, failed=failed, skipped=skipped)
    (st.warning if failed else st.success)(message)
    for key, error in errors.items():
        st.caption(f"{key}: {error}")

# --- invitations ----------------------------------------------------------------------------
st.subheader(t("Invitations"))
pending = invitations.pending(db)
if not pending:
    st.write(t("Every leader has activated their account."))
else:
    st.caption(t("{n} leaders have not chosen a password yet.").format(n=len(pending)))
    linked = {u.id: invitations.last_created(db, u.id) for u in pending}

    def leader_label(u) -> str:
        label = f"{u.name} ({u.email or '-'})"
        if linked[u.id]:  # say before the click that a new link replaces the one sent
            label += " · " + t("has a link from {day}: a new one replaces it").format(
                day=dates.day(date.fromtimestamp(linked[u.id]), lang, "medium"))
        return label

    labels = {u.id: leader_label(u) for u in pending}

    def invite_now() -> None:
        picked = [i for i in st.session_state.get("invite_users", []) if i in labels]
        if not picked:
            st.session_state["_invite_warning"] = t("Choose at least one leader.")
            return
        by_mail = st.session_state.get("invite_by_mail", True)
        replaced = sum(1 for i in picked if linked.get(i))
        done = invitation_sending.invite(db, settings, picked, user.username, mail=mail, send=by_mail)
        st.session_state["_invited"] = [
            {t("Name"): i.user.name, t("E-mail"): i.user.email or "–", t("Link"): i.link or "–",
             t("Status"): t("sent") if by_mail and not i.error else (t(i.error) if i.error else t("link only"))}
            for i in done
        ]
        st.session_state["_invited_replaced"] = replaced
        st.session_state["invite_users"] = []  # a second click never silently makes yet another link

    with st.form("invite_form"):
        st.multiselect(t("Leaders to invite"), list(labels), format_func=labels.get, key="invite_users",
                       placeholder=t("Choose leaders"))
        st.caption(t("Each invitation is a new link: a link sent to the same leader before stops working."))
        st.checkbox(t("Send the invitations by e-mail"), value=True, key="invite_by_mail")
        st.form_submit_button(t("Create invitations"), type="primary", key="invite_submit", on_click=invite_now)
    if warning := st.session_state.pop("_invite_warning", None):
        st.warning(warning)
if st.session_state.get("_invited"):
    st.success(t("Invitations made: each link works once, and older links of these leaders no longer work. A link "
                 "is shown only where it could not be e-mailed, and only for an account that is just a leader."))
    if replaced := st.session_state.pop("_invited_replaced", 0):
        st.warning(t("{n} of them already had a link: that link no longer works.").format(n=replaced))
    st.dataframe(pd.DataFrame(st.session_state["_invited"]), hide_index=True, width="stretch", key="invited_table")

# --- send log -------------------------------------------------------------------------------
st.subheader(t("Send log"))
log = outbox.send_log(db)
if not log:
    st.write(t("No reminders have been sent yet."))
else:
    st.dataframe(
        widgets.filled(pd.DataFrame(
            [
                {t("Recipient"): r["name"], t("E-mail"): r["email"], t("Kind"): t(outbox.KIND_LABELS.get(r["kind"], r["kind"])),
                 t("Activity"): r["activity"], t("Status"): t(outbox.STATUS_LABELS.get(r["status"], r["status"])),
                 t("Sent"): moment(r["sent_at"] or r["claimed_at"]), t("Attempts"): r["attempts"], t("Error"): r["error"]}
                for r in log
            ]
        )),
        hide_index=True,
        width="stretch",
        key="send_log",
    )
