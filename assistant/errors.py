"""One exception type for every problem a user can fix; its message is a single clear sentence."""


class AssistantError(Exception):
    """A problem with the user's input, files or index. ``str(error)`` is shown as is (CLI: exit code 2)."""

