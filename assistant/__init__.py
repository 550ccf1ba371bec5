"""Article Q&A assistant: answers questions about news articles with cited sentences and who said each one."""

from __future__ import annotations

from . import settings as _settings  # noqa: F401 - sets offline mode and thread counts before heavy imports
from .errors import AssistantError
from .schema import Answer, Document, Passage, Sentence

__all__ = ["Answer", "Assistant", "analyse", "AssistantError", "Document", "Passage", "Sentence", "attribute", "attribute_text"]
__version__ = "0.1.0"


def __getattr__(name: str):  # noqa: ANN202 - lazy exports keep `import assistant` light
    if name in ("Assistant", "analyse"):
        from . import api

        return getattr(api, name)
    if name in ("attribute", "attribute_text"):
        from .speech import attribution

        return getattr(attribution, name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
