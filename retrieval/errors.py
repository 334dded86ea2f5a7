class NewsbotError(Exception):
    """A problem the person using newsbot can act on. Its message is shown as is."""
