"""Running the programme: a leader's journey through its steps (films and reflections, meetings,
workshops, the service check), the schedule and attendance, workshop tables, leader groups, the
kick-off's materials, reminders and calendar files, and the first-run wizard."""
