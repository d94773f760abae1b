"""The platform under every domain: settings, the database and its migrations, translation,
dates and working days, number formats, the audit log, e-mail delivery, sealing, CSV exports and
input checks. It knows nothing of leaders, assessments or the programme: no module here imports
another digled package."""
