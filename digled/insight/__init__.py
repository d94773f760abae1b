"""What management may learn, and only through the release gate (`anonymity`): publications,
the figures about assessments and participation they hold, comparisons of runs, charts, the focus
list, the target profiles and the evaluation report. Nothing here returns one person's answers."""
