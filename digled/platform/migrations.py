"""The schema of digled's database: every migration step, in order, and how they are applied.

- Each step (`_vN_...`) takes the database from version N-1 to N. Never edit a released step:
  add one at the end of MIGRATIONS.
- The schema version lives in `PRAGMA user_version`; `migrate()` applies the missing steps in
  one `write` transaction each, at start-up (`open_and_migrate`). A database newer than this
  digled is refused with a StorageError, and so is a file SQLite cannot use.
- Connecting, writing, settings and backups are `digled.platform.db`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import sqlite_utils

from digled.platform.db import StorageError, connect, write


def _v1_accounts(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            email TEXT NOT NULL DEFAULT '',
            municipality TEXT NOT NULL DEFAULT '',
            area TEXT NOT NULL DEFAULT '',
            level TEXT NOT NULL DEFAULT '',
            roles TEXT NOT NULL DEFAULT 'leader',
            password_hash TEXT,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until REAL NOT NULL DEFAULT 0,
            sessions_valid_after REAL NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1,
            language TEXT NOT NULL DEFAULT 'da',
            invited_at TEXT,
            activated_at TEXT
        );
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        );
        """
    )


def _v2_assessments(db: sqlite_utils.Database) -> None:
    # Assessment rows carry a pseudonym, never a user id: see anonymity.py.
    db.executescript(
        """
        CREATE TABLE assessments (
            id INTEGER PRIMARY KEY,
            respondent TEXT NOT NULL,
            round TEXT NOT NULL CHECK (round IN ('start', 'end', 'extra')),
            status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
            started TEXT NOT NULL,
            submitted TEXT,
            municipality TEXT NOT NULL DEFAULT '',
            area TEXT NOT NULL DEFAULT '',
            level TEXT NOT NULL DEFAULT '',
            step INTEGER NOT NULL DEFAULT 0,
            scores TEXT
        );
        CREATE UNIQUE INDEX one_draft_per_respondent
            ON assessments (respondent) WHERE status = 'draft';
        CREATE INDEX assessments_by_respondent ON assessments (respondent, status);
        CREATE INDEX assessments_submitted ON assessments (status, round);
        CREATE TABLE answers (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            item TEXT NOT NULL,
            value INTEGER,
            PRIMARY KEY (assessment_id, item)
        ) WITHOUT ROWID;
        CREATE TABLE participation (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            round TEXT NOT NULL,
            taken_on TEXT NOT NULL,
            PRIMARY KEY (user_id, round)
        );
        """
    )


def _v3_programme(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        -- a leader's progress per activity (films seen, meetings/workshops attended, ...)
        CREATE TABLE progress (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            activity TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('done', 'attended', 'absent')),
            on_day TEXT NOT NULL,
            PRIMARY KEY (user_id, activity)
        );
        -- private reflection notes: visible only to the leader who wrote them
        CREATE TABLE reflections (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            question TEXT NOT NULL,
            activity TEXT NOT NULL,
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (user_id, question)
        );
        CREATE TABLE service_slots (
            id INTEGER PRIMARY KEY,
            starts_at TEXT NOT NULL,
            minutes INTEGER NOT NULL DEFAULT 30,
            capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity >= 1),
            place TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE bookings (
            id INTEGER PRIMARY KEY,
            slot_id INTEGER NOT NULL REFERENCES service_slots(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
            booked_at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE help_requests (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE workshop_tables (
            workshop TEXT NOT NULL,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            table_no INTEGER NOT NULL,
            PRIMARY KEY (workshop, user_id)
        );
        CREATE TABLE invitations (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            used_at REAL
        );
        -- one row per reminder ever due: the key makes sending idempotent
        CREATE TABLE reminders_sent (
            key TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            activity TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'failed')),
            claimed_at REAL NOT NULL,
            sent_at REAL,
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT NOT NULL DEFAULT ''
        );
        """
    )


def _v4_publications(db: sqlite_utils.Database) -> None:
    # Management reads only publications (see anonymity.py and publications.py). A member is one
    # submitted attempt, known by its random id (never shown; see step 5).
    db.executescript(
        """
        CREATE TABLE publications (
            id INTEGER PRIMARY KEY,
            made_at TEXT NOT NULL,
            trigger TEXT NOT NULL,
            actor TEXT NOT NULL DEFAULT '',
            audience TEXT NOT NULL DEFAULT 'management',
            summary TEXT NOT NULL DEFAULT '{}'
        );
        -- one row per group and publication: what management sees (figures) and, for the
        -- audit only, the released member set (never shown, never in an administrator's backup)
        CREATE TABLE released_groups (
            publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            grp TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('new', 'held', 'hidden')),
            reason TEXT NOT NULL DEFAULT '',
            since INTEGER,
            n INTEGER,
            figures TEXT,
            PRIMARY KEY (publication_id, kind, grp)
        );
        CREATE TABLE released_sets (
            publication_id INTEGER NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            grp TEXT NOT NULL,
            members BLOB NOT NULL,
            PRIMARY KEY (publication_id, kind, grp)
        );
        """
    )


def _v5_sealed_dates_and_duties(db: sqlite_utils.Database) -> None:
    # No linkage: an assessment row's dates move into `sealed` (encrypted per respondent, see
    # sealing.py; existing rows are sealed at start-up, where the secret is known).
    # No impersonation: invitation tokens get a purpose (first password or reset by e-mail) and
    # remember whether the link was shown in the app. Notices are told to a user at next login.
    # Separation of duties: an account holds at most one of admin and management, ever (`duty`
    # remembers which); an account holding both keeps admin only, and the audit log says so.
    db.executescript(
        """
        ALTER TABLE assessments ADD COLUMN sealed TEXT NOT NULL DEFAULT '';
        CREATE INDEX assessments_unsealed ON assessments (id) WHERE sealed = '';
        ALTER TABLE invitations ADD COLUMN purpose TEXT NOT NULL DEFAULT 'invitation'
            CHECK (purpose IN ('invitation', 'reset'));
        ALTER TABLE invitations ADD COLUMN shown INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            message TEXT NOT NULL,
            params TEXT NOT NULL DEFAULT '{}',
            seen_at TEXT
        );
        CREATE INDEX notices_unseen ON notices (user_id) WHERE seen_at IS NULL;
        ALTER TABLE users ADD COLUMN duty TEXT NOT NULL DEFAULT ''
            CHECK (duty IN ('', 'admin', 'management'));
        """
    )
    both = db.execute(
        "SELECT id, username, roles FROM users WHERE (',' || roles || ',') LIKE '%,admin,%' "
        "AND (',' || roles || ',') LIKE '%,management,%' ORDER BY id"
    ).fetchall()
    for user_id, username, roles in both:
        kept = ",".join(r for r in roles.split(",") if r.strip() and r.strip() != "management")
        db.execute("UPDATE users SET roles = ? WHERE id = ?", [kept, user_id])
        db.execute(
            "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, 'migration', 'separate duties', ?)",
            [datetime.now(UTC).isoformat(timespec="seconds"),
             f"{username}: held admin and management; kept admin, removed management"],
        )
    db.executescript(
        """
        UPDATE users SET duty = 'admin' WHERE (',' || roles || ',') LIKE '%,admin,%';
        UPDATE users SET duty = 'management' WHERE (',' || roles || ',') LIKE '%,management,%';
        CREATE TRIGGER users_one_duty_insert BEFORE INSERT ON users
        WHEN ((',' || NEW.roles || ',') LIKE '%,admin,%' AND ((',' || NEW.roles || ',') LIKE '%,management,%'
                                                         OR NEW.duty = 'management'))
          OR ((',' || NEW.roles || ',') LIKE '%,management,%' AND NEW.duty = 'admin')
        BEGIN SELECT RAISE(ABORT, 'an account cannot be both administrator and management'); END;
        CREATE TRIGGER users_one_duty_update BEFORE UPDATE OF roles, duty ON users
        WHEN ((',' || NEW.roles || ',') LIKE '%,admin,%' AND ((',' || NEW.roles || ',') LIKE '%,management,%'
                                                         OR NEW.duty = 'management'))
          OR ((',' || NEW.roles || ',') LIKE '%,management,%' AND NEW.duty = 'admin')
        BEGIN SELECT RAISE(ABORT, 'an account cannot be both administrator and management'); END;
        CREATE TRIGGER users_duty_insert AFTER INSERT ON users WHEN NEW.duty = ''
        BEGIN
            UPDATE users SET duty = CASE
                WHEN (',' || NEW.roles || ',') LIKE '%,admin,%' THEN 'admin'
                WHEN (',' || NEW.roles || ',') LIKE '%,management,%' THEN 'management' ELSE '' END
            WHERE id = NEW.id;
        END;
        CREATE TRIGGER users_duty_update AFTER UPDATE OF roles ON users WHEN NEW.duty = ''
        BEGIN
            UPDATE users SET duty = CASE
                WHEN (',' || NEW.roles || ',') LIKE '%,admin,%' THEN 'admin'
                WHEN (',' || NEW.roles || ',') LIKE '%,management,%' THEN 'management' ELSE '' END
            WHERE id = NEW.id;
        END;
        """
    )


def _v6_login_sessions(db: sqlite_utils.Database) -> None:
    # The login cookie holds only a random id (digled/accounts/sessions.py): the server keeps the session
    # (HMAC of the id, never the id itself), ends it at logout, password change, deactivation and
    # after an idle time. `login_throttle` counts failed logins per name (known or not, so both
    # answer alike) and per client address.
    for statement in (
        """CREATE TABLE login_sessions (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            token_hash TEXT UNIQUE,
            ticket_hash TEXT UNIQUE,
            ticket_expires REAL NOT NULL DEFAULT 0,
            created_at REAL NOT NULL,
            last_seen REAL NOT NULL,
            confirmed_at REAL,
            ended_at REAL,
            cleared_at REAL
        )""",
        "CREATE INDEX login_sessions_user ON login_sessions (user_id) WHERE ended_at IS NULL",
        """CREATE TABLE login_throttle (
            key TEXT PRIMARY KEY,
            failures INTEGER NOT NULL DEFAULT 0,
            window_start REAL NOT NULL,
            locked_until REAL NOT NULL DEFAULT 0,
            updated_at REAL NOT NULL
        )""",
    ):
        db.execute(statement)


def _v7_guide_videos(db: sqlite_utils.Database) -> None:
    # The video (or narrated slides) of each guide and film, set by the administrator in the app
    # (digled/content/guides.py): key is a guide key or a film's activity id; https addresses only.
    db.execute(
        """CREATE TABLE guide_videos (
            key TEXT PRIMARY KEY,
            url TEXT NOT NULL CHECK (url LIKE 'https://%'),
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        )"""
    )


def _v8_development(db: sqlite_utils.Database) -> None:
    # The development loop (issue 11). Importance is an answer of the attempt (its random id,
    # like `answers`); the plan is private and kept under the respondent pseudonym, never a user
    # id, with no timestamps (dates could be matched with logins); target profiles per leader
    # level are set by an administrator, labelled provisional until approved. Publications read
    # `published_importance`: an attempt's marks as they stood when it first entered a released
    # figure (later edits serve the leader only), so a published member's values never change.
    db.executescript(
        """
        CREATE TABLE importance (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            competence TEXT NOT NULL,
            value TEXT NOT NULL CHECK (value IN ('important', 'less', 'not_relevant')),
            PRIMARY KEY (assessment_id, competence)
        ) WITHOUT ROWID;
        CREATE TABLE published_importance (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            competence TEXT NOT NULL,
            value TEXT NOT NULL CHECK (value IN ('important', 'less', 'not_relevant', 'unanswered')),
            PRIMARY KEY (assessment_id, competence)
        ) WITHOUT ROWID;
        CREATE TABLE plan_needs (
            respondent TEXT NOT NULL,
            competence TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (respondent, competence)
        ) WITHOUT ROWID;
        CREATE TABLE plan_actions (
            id INTEGER PRIMARY KEY,
            respondent TEXT NOT NULL,
            competence TEXT NOT NULL,
            text TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT 'own' CHECK (source IN ('exercise', 'own')),
            due TEXT NOT NULL DEFAULT '',
            done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
        );
        CREATE INDEX plan_actions_by_respondent ON plan_actions (respondent);
        CREATE TABLE target_profiles (
            level TEXT PRIMARY KEY,
            levels TEXT NOT NULL,
            approved INTEGER NOT NULL DEFAULT 0 CHECK (approved IN (0, 1)),
            changed_by TEXT NOT NULL DEFAULT '',
            changed_at TEXT NOT NULL DEFAULT ''
        );
        """
    )


def _v9_leader_groups(db: sqlite_utils.Database) -> None:
    # Local leader groups (issue 12): each participant belongs to at most one group; the group's
    # chair (a participant) registers attendance at the group's leader meetings and sees their
    # questions. The administrator still sees and registers all.
    db.executescript(
        """
        CREATE TABLE leader_groups (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
            chair_id INTEGER REFERENCES users(id) ON DELETE SET NULL
        );
        ALTER TABLE users ADD COLUMN leader_group INTEGER REFERENCES leader_groups(id) ON DELETE SET NULL;
        CREATE INDEX users_by_leader_group ON users (leader_group) WHERE leader_group IS NOT NULL;
        """
    )


def _v10_content(db: sqlite_utils.Database) -> None:
    # Content edited in the app (issue 12). `content_overrides`: a value set by an administrator
    # that replaces the default from data/*.yaml (JSON; key names the place, e.g.
    # "activity:e1:reflections"). `content_files`: uploaded files (the handbook, slides), every
    # version kept; the newest version of a slot is the one served.
    db.executescript(
        """
        CREATE TABLE content_overrides (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );
        CREATE TABLE content_files (
            id INTEGER PRIMARY KEY,
            slot TEXT NOT NULL,
            version INTEGER NOT NULL CHECK (version >= 1),
            filename TEXT NOT NULL,
            mime TEXT NOT NULL,
            size INTEGER NOT NULL CHECK (size > 0),
            sha256 TEXT NOT NULL,
            data BLOB NOT NULL,
            uploaded_at TEXT NOT NULL,
            uploaded_by TEXT NOT NULL,
            UNIQUE (slot, version)
        );
        """
    )


def _first_cohort_name(db: sqlite_utils.Database) -> str:
    """The run's name from the first-run wizard, else "Digital ledelse" and the kick-off's year
    (else this year); at most 80 characters (cohorts.MAX_NAME)."""
    named = db.execute("SELECT value FROM settings WHERE key = 'cohort_name'").fetchone()
    if named and named[0].strip():
        return named[0].strip()[:80]
    kick = db.execute("SELECT value FROM settings WHERE key = 'kickoff_date'").fetchone()
    year = kick[0][:4] if kick and kick[0][:4].isdigit() else str(date.today().year)
    return f"Digital ledelse {year}"


def _v11_cohorts(db: sqlite_utils.Database) -> None:
    # Cohorts (issue 12, see cohorts.py): one running, earlier ones closed with their state in
    # `archive`. An existing database becomes its first cohort, named by the wizard's run name
    # (else "Digital ledelse" and the kick-off's year): every leader a member, every start and end
    # attempt and every publication in it. Extra retakes belong to no cohort.
    db.executescript(
        """
        CREATE TABLE cohorts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
            opened_at TEXT NOT NULL,
            closed_at TEXT,
            closed_by TEXT NOT NULL DEFAULT '',
            archive TEXT NOT NULL DEFAULT '{}'
        );
        CREATE UNIQUE INDEX one_running_cohort ON cohorts ((closed_at IS NULL)) WHERE closed_at IS NULL;
        CREATE TABLE cohort_members (
            cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            PRIMARY KEY (cohort_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX cohort_members_by_user ON cohort_members (user_id);
        ALTER TABLE assessments ADD COLUMN cohort_id INTEGER REFERENCES cohorts(id);
        ALTER TABLE publications ADD COLUMN cohort_id INTEGER REFERENCES cohorts(id);
        CREATE INDEX assessments_by_cohort ON assessments (cohort_id, status, round);
        -- every writer keeps the rules: a new start or end attempt belongs to the running cohort,
        -- a new leader (or an account that becomes one) takes part in it
        CREATE TRIGGER assessments_in_running_cohort AFTER INSERT ON assessments
        WHEN NEW.cohort_id IS NULL AND NEW.round IN ('start', 'end')
        BEGIN
            UPDATE assessments SET cohort_id = (SELECT id FROM cohorts WHERE closed_at IS NULL) WHERE id = NEW.id;
        END;
        CREATE TRIGGER new_leader_in_running_cohort AFTER INSERT ON users
        WHEN (',' || NEW.roles || ',') LIKE '%,leader,%'
        BEGIN
            INSERT OR IGNORE INTO cohort_members (cohort_id, user_id)
            SELECT id, NEW.id FROM cohorts WHERE closed_at IS NULL;
        END;
        CREATE TRIGGER account_becomes_leader_in_running_cohort AFTER UPDATE OF roles ON users
        WHEN (',' || NEW.roles || ',') LIKE '%,leader,%' AND (',' || OLD.roles || ',') NOT LIKE '%,leader,%'
        BEGIN
            INSERT OR IGNORE INTO cohort_members (cohort_id, user_id)
            SELECT id, NEW.id FROM cohorts WHERE closed_at IS NULL;
        END;
        """
    )
    first = db.execute("INSERT INTO cohorts (name, opened_at) VALUES (?, datetime('now'))", [_first_cohort_name(db)]).lastrowid
    db.execute("INSERT INTO cohort_members (cohort_id, user_id) SELECT ?, id FROM users "
               "WHERE (',' || roles || ',') LIKE '%,leader,%'", [first])
    db.execute("UPDATE assessments SET cohort_id = ? WHERE round IN ('start', 'end')", [first])
    db.execute("UPDATE publications SET cohort_id = ?", [first])


def _v12_release_gate(db: sqlite_utils.Database) -> None:
    # The release gate (issue 18, anonymity.py): what a released set gave of each figure family
    # (NULL for sets released before: every family counts as given exactly, the cautious
    # reading); identities that count (identities.py): accounts activated before this step
    # count as they did; the management role asked for by an administrator waits for a
    # management user or the operator.
    db.executescript(
        """
        ALTER TABLE released_sets ADD COLUMN figures TEXT;
        ALTER TABLE users ADD COLUMN counted_at TEXT;
        UPDATE users SET counted_at = activated_at WHERE activated_at IS NOT NULL;
        CREATE TABLE role_requests (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            requested_at TEXT NOT NULL,
            decided_by TEXT,
            decided_at TEXT,
            decision TEXT CHECK (decision IN ('granted', 'refused'))
        );
        CREATE UNIQUE INDEX role_requests_open ON role_requests (user_id, role) WHERE decided_at IS NULL;
        """
    )


def _v13_sso_identities(db: sqlite_utils.Database) -> None:
    # Single sign-on binds an account to the provider's identity (issuer, subject) at its first
    # SSO login (digled/accounts/sso.py); afterwards only that identity logs the account in, so a changed
    # e-mail address at the provider cannot move a login to another account. One identity per
    # account, one account per identity.
    db.execute(
        """CREATE TABLE sso_identities (
            user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            issuer TEXT NOT NULL CHECK (length(issuer) BETWEEN 1 AND 500),
            subject TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
            bound_at TEXT NOT NULL,
            UNIQUE (issuer, subject)
        )"""
    )


def _v14_followup_rounds(db: sqlite_utils.Database) -> None:
    # Follow-up rounds 3 and 6 months after the programme (issue 23, answering.FOLLOWUP_ROUNDS):
    # an assessment may be of round 'followup_3' or 'followup_6' and belongs to the running run
    # like a start or end attempt. The round's CHECK only widens (no stored row can break it), so
    # the table's definition is edited in place, as SQLite describes for such changes
    # (sqlite.org/lang_altertable.html, "other kinds of table schema changes"): a rebuild would
    # drop the table, and the foreign keys' cascades would take the answers and importance marks
    # with it. "Hvad fik du gjort?": each plan action gets the leader's own word on it at a
    # follow-up (done / started / not yet / dropped) and a private note, under the pseudonym.
    old = "round TEXT NOT NULL CHECK (round IN ('start', 'end', 'extra'))"
    new = "round TEXT NOT NULL CHECK (round IN ('start', 'end', 'followup_3', 'followup_6', 'extra'))"
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'assessments'").fetchone()[0]
    if old not in sql:
        raise StorageError("schema step 14: the assessments table is not as step 2 made it")
    schema_version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    try:
        db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'assessments'",
                   [sql.replace(old, new)])
        db.execute(f"PRAGMA schema_version = {schema_version + 1}")
    finally:
        db.execute("PRAGMA writable_schema = OFF")
    db.executescript(
        """
        DROP TRIGGER assessments_in_running_cohort;
        CREATE TRIGGER assessments_in_running_cohort AFTER INSERT ON assessments
        WHEN NEW.cohort_id IS NULL AND NEW.round IN ('start', 'end', 'followup_3', 'followup_6')
        BEGIN
            UPDATE assessments SET cohort_id = (SELECT id FROM cohorts WHERE closed_at IS NULL) WHERE id = NEW.id;
        END;
        ALTER TABLE plan_actions ADD COLUMN outcome TEXT NOT NULL DEFAULT ''
            CHECK (outcome IN ('', 'done', 'started', 'not_yet', 'dropped'));
        ALTER TABLE plan_actions ADD COLUMN outcome_note TEXT NOT NULL DEFAULT '';
        """
    )


def _v15_scoped_management(db: sqlite_utils.Database) -> None:
    # A management account may be scoped to one municipality (digled/insight/audiences.py says
    # what it may read): users.scope holds the municipality key, NULL for every municipality. An
    # administrator's request to change it waits in role_requests (role 'scope', the municipality
    # asked for in its scope column, NULL: every municipality) until a management user confirms.
    db.execute("ALTER TABLE users ADD COLUMN scope TEXT")
    db.execute("ALTER TABLE role_requests ADD COLUMN scope TEXT")


def _v16_group_summaries(db: sqlite_utils.Database) -> None:
    # The chair's summary of what a leader group discussed at one leader meeting
    # (digled/programme/leader_groups.py): no names, shared with the programme's administrators,
    # who prepare each workshop with its facilitators. One per group and meeting, replaced as the chair edits it.
    db.execute(
        """CREATE TABLE group_summaries (
            group_id INTEGER NOT NULL REFERENCES leader_groups(id) ON DELETE CASCADE,
            activity_id TEXT NOT NULL,
            body TEXT NOT NULL CHECK (length(body) <= 4000),
            written_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (group_id, activity_id)
        )"""
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1_accounts, _v2_assessments, _v3_programme, _v4_publications,
    # helpers: add later steps below this line, one function each
    _v5_sealed_dates_and_duties,
    _v6_login_sessions,
    _v7_guide_videos,
    _v8_development,
    _v9_leader_groups,
    _v10_content,
    _v11_cohorts,
    _v12_release_gate,
    _v13_sso_identities,
    _v14_followup_rounds,
    _v15_scoped_management,
    _v16_group_summaries,
]
SCHEMA_VERSION = len(MIGRATIONS)


def version(db: sqlite_utils.Database) -> int:
    """The schema version the database is at (0 for a new file)."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database, target: int = SCHEMA_VERSION) -> int:
    """Apply the missing migration steps up to `target`; return the resulting version."""
    current = version(db)
    if current > SCHEMA_VERSION:
        raise StorageError(
            f"The database is at schema version {current}, newer than this digled "
            f"({SCHEMA_VERSION}). Upgrade digled."
        )
    for number in range(current + 1, target + 1):
        with write(db):
            MIGRATIONS[number - 1](db)
            db.execute(f"PRAGMA user_version = {number}")
    return version(db)


def open_and_migrate(path: Path | str) -> sqlite_utils.Database:
    """Open the database at `path`, migrate it, and turn any failure into a StorageError."""
    db = connect(path)
    try:
        migrate(db)
    except sqlite3.Error as e:
        db.close()
        raise StorageError(f"Cannot use the database {path}: {e}") from e
    return db
