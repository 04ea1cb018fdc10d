"""The clock: APScheduler set-up and the due-work jobs."""
