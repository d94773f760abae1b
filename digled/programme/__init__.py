"""Running the programme: a leader's journey through its steps (journey: films, meetings, workshops,
the service check; the one door for what is open or due for a leader), their reflections, the
administrator's schedule and attendance, the service check, workshop tables, leader groups, the
kick-off's materials, calendar files, the first-run wizard, and the programme's e-mails: what is
due for whom (reminder_due), the messages (reminder_messages), the outbox that records every
e-mail (table reminders_sent), the daily run (reminder_sending) and invitations (invitation_sending)."""
