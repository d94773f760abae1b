"""`python -m digled ...`: administrative commands, thin wrappers around the same functions
the pages call (one implementation of everything).

    python -m digled init              create or migrate the database; load the demo when empty
    python -m digled backup PATH       full consistent copy of the live database, answers included
                                       (online backup API; the app's download leaves answers out)
    python -m digled check-content     validate data/ and print a summary line
    python -m digled add-admin USER --name NAME   create an administrator (first account)
    python -m digled grant-management USER   give an account the management role (the operator's
                                       grant; in the app, only a management user confirms one)
    python -m digled scope-management USER MUNICIPALITY|all   which municipality a management account
                                       reads (its own and all together; "all": every one)
    python -m digled export cohort --format csv   the latest publication's cohort table to stdout
    python -m digled publish [--dry-run]   make a publication when one is due; say what was held back
    python -m digled workshop-groups N [--seed S] [--min 5] [--max 7]   tables of workshop N as CSV
    python -m digled import-users FILE import participants from CSV/Excel; nothing when a line is bad
    python -m digled reminders [--dry-run] [--today DATE]   send the due reminders, each once
    python -m digled invite USERNAME   print a fresh personal invitation link (never-activated accounts)
    python -m digled retention [--dry-run] [--now]   delete raw answers when the deletion date is due
    python -m digled sso-unbind USERNAME   forget the single sign-on identity bound to an account
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path

from digled import demo
from digled.accounts import auth, identities, importer, invitations, organisation, privacy, sso
from digled.assessment import retention
from digled.content import activities, guides, loader, mail_texts, programme, training
from digled.insight import assessment_figures, publications
from digled.platform import config, db, exports, migrations, sealing
from digled.platform.validation import clean_name, email_problem, name_problem
from digled.programme import kickoff, reminder_sending, workshops


def _init(args) -> int:

    settings = config.load_settings()
    database = config.open_database(settings)
    sealed = sealing.seal_legacy_rows(database, settings.pseudonym_secret)  # needs the secret
    if sealed:
        print(f"sealed the dates of {sealed} assessment rows written before schema version 5")
    loaded = settings.demo and demo.load_if_empty(database, settings)
    users = database.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    print(
        f"database {settings.db_path} at schema version {migrations.version(database)}; "
        f"{users} users{' (demo loaded)' if loaded else ''}"
    )
    return 0


def _backup(args) -> int:
    settings = config.load_settings()
    database = config.open_database(settings)
    target = db.backup(database, args.path)
    print(f"backup written to {target}")
    return 0


def _check_content(args) -> int:

    framework = loader.load_framework()
    loader.load_organisation()
    privacy.load_statement()
    activities.load_programme()
    kickoff.load_kickoff()
    mail_texts.load_texts()
    guides.load_guides()
    training.load()
    print(framework.summary())
    return 0


def _import_users(args) -> int:


    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as e:
        print(f"error: cannot read {path}: {e.strerror}", file=sys.stderr)
        return 1
    database = config.open_database(config.load_settings())
    try:
        count = importer.import_file(database, data, path.name, actor="command line")
    except importer.ImportRejected as e:
        for error in e.errors:
            print(error.describe())
        print(f"nothing imported: {len(e.errors)} problem(s) in {path.name}", file=sys.stderr)
        return 1
    finally:
        database.close()
    print(f"imported {count} participants")
    return 0


def _today(args):
    """The --today date (default today), or None after saying what is wrong with it."""

    try:
        return date.fromisoformat(args.today) if args.today else date.today()
    except ValueError:
        print(f"error: --today must be a date like 2016-01-25, not {args.today!r}", file=sys.stderr)
        return None


def _reminders(args) -> int:

    today = _today(args)
    if today is None:
        return 2
    settings = config.load_settings()
    database = config.open_database(settings)
    try:
        summary = reminder_sending.run(database, settings, today, dry_run=args.dry_run, actor="command line")
    finally:
        database.close()
    if args.dry_run:
        for r in summary.due:
            print(f"{r.user.email}\t{r.kind}\t{r.activity or '-'}\t{r.subject}")
    else:
        for key, error in summary.errors.items():
            print(f"failed {key}: {error}", file=sys.stderr)
    print(f"{today.isoformat()}: {summary.line()}" + (f" ({summary.delivered_to})" if summary.delivered_to else ""))
    return 1 if summary.failed else 0


def _invite(args) -> int:

    settings = config.load_settings()
    database = config.open_database(settings)
    try:
        user = auth.get_user(database, args.username)
        if user is None:
            print(f"error: no user {args.username!r}", file=sys.stderr)
            return 1
        try:
            token = invitations.create(database, user.id, days=args.days, actor="command line")
        except invitations.InvitationRefused as e:
            print(f"error: {user.username}: {e}", file=sys.stderr)
            return 1
    finally:
        database.close()
    print(invitations.link(token))
    return 0


def _sso_unbind(args) -> int:

    settings = config.load_settings()
    database = config.open_database(settings)
    try:
        if auth.get_user(database, args.username) is None:
            print(f"error: no user {args.username!r}", file=sys.stderr)
            return 1
        done = sso.unbind(database, args.username, actor="command line")
    finally:
        database.close()
    print(f"{args.username}: " + ("single sign-on identity forgotten; the next single sign-on binds afresh"
                                  if done else "no single sign-on identity was bound"))
    return 0


def _workshop_groups(args) -> int:

    settings = config.load_settings()
    database = config.open_database(settings)
    try:
        workshop = workshops.workshop_id(args.number)
        if not workshops.saved_tables(database, workshop):
            workshops.generate(database, "command line", workshop, args.seed, args.min, args.max)

        sys.stdout.write(exports.csv_text(workshops.table_frame(database, workshop)))  # ; for Danish Excel
    except workshops.WorkshopError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        database.close()
    return 0


def _add_admin(args) -> int:
    """Create an administrator (the first account of an empty, non-demo installation)."""


    for field, problem in (("--name", name_problem(args.name)),
                           ("--email", email_problem(args.email) if args.email.strip() else None)):
        if problem:  # the same rules as the participant form and the import
            print(f"error: {field}: {problem[0].format(**problem[1])}", file=sys.stderr)
            return 2
    args.name, args.email = clean_name(args.name), args.email.strip()
    settings = config.load_settings()
    database = config.open_database(settings)
    username = auth.normalise_username(args.username)
    if not auth.USERNAME_RE.match(username):
        print("error: a username has 2-64 characters: a-z, 0-9 and . _ @ -", file=sys.stderr)
        return 2
    if auth.get_user(database, username):
        print(f"error: the user {username} already exists", file=sys.stderr)
        return 2
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        repeat = getpass.getpass("Repeat the password: ")
    else:
        password = sys.stdin.readline().rstrip("\n")
        repeat = password
    problem = auth.password_problem(password, repeat)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    roles = ["admin"]
    problem = auth.duty_problem(roles)  # separation of duties: never also management
    if problem:
        print(f"error: roles: {problem}", file=sys.stderr)
        return 2
    auth.create_user(database, username=username, name=args.name, email=args.email, roles=roles,
                     password_hash=auth.hash_password(password))
    print(f"administrator {username} created")
    return 0


def _grant_management(args) -> int:
    """The operator grants the management role (audited as 'operator'; every other management
    user is told). An administrator in the app can only ask for it (identities.py)."""

    settings = config.load_settings()
    database = config.open_database(settings)
    try:
        user = identities.grant_by_operator(database, args.username)
    except identities.RoleRequestError as e:
        print(str(e), file=sys.stderr)
        return 1
    print(f"{user.username} ({user.name}) has the management role: {', '.join(user.roles)}")
    return 0


def _scope_management(args) -> int:
    """The operator sets which municipality a management account reads (audited as 'operator';
    the account and every other management user are told). In the app an administrator only asks."""

    settings = config.load_settings()
    database = config.open_database(settings)
    municipality = None if args.municipality == identities.EVERY else args.municipality
    try:
        user = identities.scope_by_operator(database, args.username, municipality)
    except identities.RoleRequestError as e:
        print(str(e), file=sys.stderr)
        return 1
    if identities.MANAGEMENT not in user.roles:
        print(f"note: {user.username} has no management role yet", file=sys.stderr)
    print(f"{user.username} ({user.name}) reads " + (f"{municipality} and all municipalities together"
                                                      if municipality else "every municipality"))
    return 0


def _export(args) -> int:
    """The latest publication's anonymised cohort table (every group and figure)."""

    settings = config.load_settings()
    database = config.open_database(settings)
    pub = publications.latest(database)
    if pub is None:
        print("error: nothing has been published yet (python -m digled publish)", file=sys.stderr)
        return 1
    df = assessment_figures.dataframe(publications.export_rows(database, pub.id))
    if args.format == "xlsx":
        if not args.output:
            print("error: --format xlsx needs --output FILE", file=sys.stderr)
            return 2
        df.to_excel(args.output, index=False, sheet_name="cohort")
        print(f"{len(df)} rows written to {args.output}", file=sys.stderr)
    else:

        if args.output:  # a file for Excel: with the byte order mark
            with open(args.output, "wb") as f:
                f.write(exports.csv_bytes(df))
        else:
            sys.stdout.write(exports.csv_text(df))
    return 0


def _publish(args) -> int:
    """Make a publication when one is due (for cron); --dry-run shows what one made now would
    release and hold back, storing nothing."""

    today = _today(args)
    if today is None:
        return 2
    now = publications.at_date(today) if args.today else publications.now_utc()
    settings = config.load_settings()
    database = config.open_database(settings)
    fw, org, prog = loader.framework(), organisation.current(database), programme.programme(database)
    if args.dry_run:
        reason = publications.due(database, prog, now) or "schedule"
        result = publications.make(database, fw, org, prog, reason, now=now, dry_run=True)
    elif (result := publications.publish_if_due(database, fw, org, prog, now=now)) is None:
        last = publications.latest(database)
        if last is None:  # a new run whose first publication would hide every group
            print("no publication due: the new run has nothing to show yet (every group would be hidden)")
            return 0
        print(f"no publication due (the last was made {last.made_at.isoformat()}; "
              f"every {publications.period_days(database)} days, or when a round's window closes)")
        return 0
    for line in publications.report(result):
        print(line)
    c = {kind: v for kind, v in result.summary["counts"].items()}
    head = ("dry run, nothing stored" if args.dry_run
            else f"publication {result.id} ({result.trigger})" if result.id is not None
            else "nothing stored: the new run has nothing to show yet (every group would be hidden)")
    print(f"{head}: " + "; ".join(f"{kind}: {v['new']} new, {v['held']} held, {v['hidden']} hidden" for kind, v in c.items()))
    return 0


def _retention(args) -> int:
    """Apply the deletion date when it is due (for cron), or with --now delete the raw answers
    of submitted assessments at once; print what was deleted (--dry-run: what would be)."""

    today = _today(args)
    if today is None:
        return 2
    settings = config.load_settings()
    database = config.open_database(settings)
    verb = "would delete" if args.dry_run else "deleted"
    try:
        result = retention.apply_due(database, today, "command line", settings.pseudonym_secret, dry_run=args.dry_run)
        if result.due:
            print(f"deletion date {result.day.isoformat()} is due: {verb} {result.plan.describe()}; scores kept")
        elif args.now:
            done = retention.plan(database) if args.dry_run else retention.delete(database, "command line")
            print(f"{verb} {done.describe()}; scores kept, unfinished drafts left alone")
        else:
            when = f"the deletion date {result.day.isoformat()} is not due yet" if result.day else "no deletion date is set"
            print(f"{when}: nothing deleted (--now deletes the raw answers of submitted assessments at once)")
    except retention.RetentionError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        database.close()
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m digled", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or migrate the database; load the demo when empty").set_defaults(func=_init)
    b = sub.add_parser("backup", help="write a consistent copy of the database to PATH")
    b.add_argument("path")
    b.set_defaults(func=_backup)
    sub.add_parser("check-content", help="validate the content files in data/").set_defaults(func=_check_content)
    iu = sub.add_parser("import-users", help="import participants from a CSV or Excel FILE (all or nothing)")
    iu.add_argument("file")
    iu.set_defaults(func=_import_users)
    rm = sub.add_parser("reminders", help="send the due reminder e-mails (SMTP or outbox), each once")
    rm.add_argument("--dry-run", action="store_true", help="print one line per due reminder; send nothing")
    rm.add_argument("--today", metavar="YYYY-MM-DD", help="simulate another date")
    rm.set_defaults(func=_reminders)
    inv = sub.add_parser("invite", help="print a fresh personal invitation link for USERNAME")
    inv.add_argument("username")
    inv.add_argument("--days", type=int, default=14, help="days the link stays valid (default 14)")
    inv.set_defaults(func=_invite)
    wg = sub.add_parser("workshop-groups", help="print the tables of workshop N as CSV (generated and saved when none are saved)")
    wg.add_argument("number", type=int, metavar="N", help="1 or 2")
    wg.add_argument("--seed", type=int, default=0, help="seed for generating (default 0)")
    wg.add_argument("--min", type=int, default=5, help="smallest table (default 5)")
    wg.add_argument("--max", type=int, default=7, help="largest table (default 7)")
    wg.set_defaults(func=_workshop_groups)
    ad = sub.add_parser("add-admin", help="create an administrator account (password from a prompt or stdin)")
    ad.add_argument("username")
    ad.add_argument("--name", required=True)
    ad.add_argument("--email", default="")
    ad.set_defaults(func=_add_admin)
    gm = sub.add_parser("grant-management", help="give USERNAME the management role (the operator's grant, audited)")
    gm.add_argument("username")
    gm.set_defaults(func=_grant_management)
    sm = sub.add_parser("scope-management", help="which municipality the management account USERNAME reads "
                                                  "(\"all\": every one; the operator's word, audited)")
    sm.add_argument("username")
    sm.add_argument("municipality")
    sm.set_defaults(func=_scope_management)
    ex = sub.add_parser("export", help="write the anonymised cohort table (one row per group and figure)")
    ex.add_argument("what", choices=["cohort"])
    ex.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    ex.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout (required for xlsx)")
    ex.set_defaults(func=_export)
    pb = sub.add_parser("publish", help="make a publication of anonymised figures when one is due (for cron)")
    pb.add_argument("--dry-run", action="store_true", help="print what would be released and held back; store nothing")
    pb.add_argument("--today", metavar="YYYY-MM-DD", help="simulate another date")
    pb.set_defaults(func=_publish)
    rt = sub.add_parser("retention", help="delete the raw answers the deletion date says should go (for cron); --now: at once")
    rt.add_argument("--dry-run", action="store_true", help="print what would be deleted; delete nothing")
    rt.add_argument("--now", action="store_true", help="delete the raw answers of submitted assessments now, without a date")
    rt.add_argument("--today", metavar="YYYY-MM-DD", help="simulate another date")
    rt.set_defaults(func=_retention)
    su = sub.add_parser("sso-unbind", help="forget the single sign-on identity bound to USERNAME "
                        "(e.g. after the identity provider made a new account for the person)")
    su.add_argument("username")
    su.set_defaults(func=_sso_unbind)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (config.ConfigError, db.StorageError, loader.ContentError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
