"""What the dossier services refuse with."""


class TransitionError(Exception):
    """An action that the table, the actor or the data does not allow; the message says
    why in the user's language and nothing was changed."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field
