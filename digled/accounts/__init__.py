"""People and their access: accounts, roles and the login (`auth`), sessions, single sign-on,
invitation links, notices, who may see which page, participants as the administrator manages them
and their import, the organisation, the programme's runs, the privacy statement, the identities
that count in figures, and the safety against an administrator impersonating a leader. It owns
the users, sessions, invitations, notices and cohorts tables."""
