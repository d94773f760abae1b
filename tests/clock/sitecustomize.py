"""Moves the clock of every Python process a moved test session starts (a streamlit server, the
CLI) by the session's offset (moved_clock.py). Python imports `sitecustomize` at start-up from
PYTHONPATH; the session puts this folder there only when `--today` is given."""

import moved_clock

moved_clock.start_from_environment()
