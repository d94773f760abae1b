"""The leader's own assessment: answering it (drafts, submit, history), scoring, what a leader
sees of their results and their wheel, their importance marks, their development plan, and
retention (deleting raw answers when a run's data is closed). Only the leader reads anything here
about one person; management's figures are in `digled.insight`."""
