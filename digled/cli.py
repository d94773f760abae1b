"""`python -m digled ...`: administrative commands, thin wrappers around the same functions
the pages call (one implementation of everything).

    python -m digled init              create or migrate the database; load the demo when empty
    python -m digled backup PATH       consistent copy of the live database (online backup API)
    python -m digled check-content     validate data/ and print a summary line
"""

from __future__ import annotations

import argparse
import sys

from . import config, content, db, demo


def _init(args) -> int:
    settings = config.load_settings()
    database = db.open_and_migrate(settings.db_path)
    loaded = settings.demo and demo.load_if_empty(database, settings)
    users = database.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    print(
        f"database {settings.db_path} at schema version {db.version(database)}; "
        f"{users} users{' (demo loaded)' if loaded else ''}"
    )
    return 0


def _backup(args) -> int:
    settings = config.load_settings()
    database = db.open_and_migrate(settings.db_path)
    target = db.backup(database, args.path)
    print(f"backup written to {target}")
    return 0


def _check_content(args) -> int:
    framework = content.load_framework()
    content.load_organisation()
    print(framework.summary())
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m digled", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or migrate the database; load the demo when empty").set_defaults(func=_init)
    b = sub.add_parser("backup", help="write a consistent copy of the database to PATH")
    b.add_argument("path")
    b.set_defaults(func=_backup)
    sub.add_parser("check-content", help="validate the content files in data/").set_defaults(func=_check_content)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (config.ConfigError, db.StorageError, content.ContentError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
