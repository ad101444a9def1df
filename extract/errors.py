"""The one exception a user's bad file may raise out of extract/."""


class DocumentError(Exception):
    """A problem with the input file, reported as one line (no traceback): `reason` names what is wrong."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
