"""The programme's content: the competence framework and organisation (data/*.yaml, `loader`),
the programme's activities and their dates (`programme`), the administrator's edits of that content
(`admin_edits`), uploaded files, guides and which activities train which competence. It owns the
tables content_overrides and content_files."""
