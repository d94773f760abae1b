"""Anonymity: pseudonyms for assessment rows (and, with the cohort issue, small-group rules).

An assessment row never holds a user id, name, username or e-mail. It holds
`respondent = HMAC-SHA256(server secret, user id)`: the leader's own history is found by
recomputing it; without the secret nobody can link a row to a person.
"""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(secret: str, user_id: int) -> str:
    """The respondent pseudonym of a user: hex HMAC-SHA256 of the user id under the secret."""
    if not secret:
        raise ValueError("the pseudonym secret is empty")
    return hmac.new(secret.encode("utf-8"), str(int(user_id)).encode("ascii"), hashlib.sha256).hexdigest()
