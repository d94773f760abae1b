"""The respondent pseudonym: what ties an assessment row to its leader without naming them.

An assessment row holds `of_user(secret, user id)`, never a user id (anonymity rule 1): a hex
HMAC-SHA256 of the id under the server's pseudonym secret. Whoever reads the database without
the secret cannot tell whose answers a row holds; the app, with the secret, finds a leader's own
rows. The secret must not be empty.
"""

from __future__ import annotations

import hashlib
import hmac


def of_user(secret: str, user_id: int) -> str:
    """The respondent pseudonym of a user: hex HMAC-SHA256 of the user id under the secret."""
    if not secret:
        raise ValueError("the pseudonym secret is empty")
    return hmac.new(secret.encode("utf-8"), str(int(user_id)).encode("ascii"), hashlib.sha256).hexdigest()
