"""Leader-only fields of an assessment row, readable only with the server secret.

An assessment row may not hold a date finer than its round, nor an id or row order that
matches participation, audit, invitation or user rows (see anonymity.py). The leader's own
history still shows when each attempt was started and submitted: those values are *sealed*
into the row's `sealed` column, encrypted with AES-GCM under a key only the server can derive:

    key = HMAC-SHA256(pseudonym secret, "digled-sealed-v1:" + respondent)

A different key per respondent, so one leaked key opens one leader's dates only; the
respondent is bound as associated data, so a sealed value copied to another leader's row does
not open. The plaintext columns `started` and `submitted` hold '' once a row is sealed.

Rows written before schema step 5 carry plaintext dates and sequential ids. `seal_legacy_rows`
converts them (seals the dates, gives each row a random id, keeps the old order as a sealed
tie-break) where the secret is known: at app start-up and in `python -m digled init`. It is
idempotent and cheap when there is nothing to do (a partial index finds unsealed rows).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets as _secrets
import sqlite3

import sqlite_utils
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from digled.platform.db import write

PREFIX = "v1:"
_CONTEXT = b"digled-sealed-v1:"
ID_BITS = 62


class SealError(ValueError):
    """A sealed value cannot be opened: a different secret, another respondent, or damage.

    Not user-facing (no MessageError): the caller treats the value as unknown; nobody is told."""


def _key(secret: str, respondent: str) -> bytes:
    if not secret:
        raise ValueError("the pseudonym secret is empty")
    return hmac.new(secret.encode("utf-8"), _CONTEXT + respondent.encode("utf-8"), hashlib.sha256).digest()


def seal(secret: str, respondent: str, fields: dict) -> str:
    """Encrypt `fields` (JSON-serialisable) for `respondent`'s row: 'v1:' + base64 text."""
    nonce = os.urandom(12)
    data = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")
    box = AESGCM(_key(secret, respondent)).encrypt(nonce, data, respondent.encode("utf-8"))
    return PREFIX + base64.urlsafe_b64encode(nonce + box).decode("ascii")


def unseal(secret: str, respondent: str, token: str) -> dict:
    """The fields sealed for `respondent`; {} for an empty token; SealError when it does not open."""
    if not token:
        return {}
    if not token.startswith(PREFIX):
        raise SealError("unknown sealed format")
    try:
        raw = base64.urlsafe_b64decode(token[len(PREFIX):].encode("ascii"))
        data = AESGCM(_key(secret, respondent)).decrypt(raw[:12], raw[12:], respondent.encode("utf-8"))
        return json.loads(data)
    except (InvalidTag, ValueError) as e:
        raise SealError("the sealed value does not open with this secret") from e


def random_id() -> int:
    """A random positive 62-bit row id: ids reveal nothing about order or time."""
    return _secrets.randbits(ID_BITS) or 1


def seal_legacy_rows(db: sqlite_utils.Database, secret: str) -> int:
    """Seal the plaintext dates of rows written before schema step 5 and give each a random id
    (its answers follow). Idempotent; returns the number of rows converted."""
    if not secret:
        raise ValueError("the pseudonym secret is empty")
    columns = {c.name for c in db["assessments"].columns} if db["assessments"].exists() else set()
    if "sealed" not in columns:
        return 0
    if db.execute("SELECT 1 FROM assessments WHERE sealed = '' LIMIT 1").fetchone() is None:
        return 0
    with write(db):
        db.execute("PRAGMA defer_foreign_keys = ON")  # answers follow their row's new id at commit
        rows = db.execute(
            "SELECT id, respondent, started, submitted FROM assessments WHERE sealed = '' ORDER BY id"
        ).fetchall()
        for old_id, respondent, started, submitted in rows:
            fields = {"started": started or "", "submitted": submitted or "", "order": old_id}
            sealed = seal(secret, respondent, fields)
            for _ in range(5):
                new_id = random_id()
                try:
                    db.execute(
                        "UPDATE assessments SET id = ?, started = '', submitted = CASE WHEN submitted "
                        "IS NULL THEN NULL ELSE '' END, sealed = ? WHERE id = ?",
                        [new_id, sealed, old_id],
                    )
                except sqlite3.IntegrityError:  # the id is taken (1 in 2**62): draw again
                    continue
                break
            else:
                raise RuntimeError("no free random assessment id")
            db.execute("UPDATE answers SET assessment_id = ? WHERE assessment_id = ?", [new_id, old_id])
    return len(rows)
