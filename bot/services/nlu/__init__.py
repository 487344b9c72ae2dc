"""Plain-language understanding for Gridbot: `parse` turns a resident's message into an intent, a category,
an urgency flag, a place and (for volunteer claims) hours, activity and time. See core.py for the pipeline."""
from .core import INTENTS, LOW_CONFIDENCE, ParseResult, get_model, get_taxonomy, parse, parse_async
from .llm import LLMConfig
from .taxonomy import Activity, Category, Taxonomy, load_taxonomy

__all__ = ["parse", "parse_async", "LLMConfig", "ParseResult", "load_taxonomy", "Taxonomy", "Category", "Activity", "LOW_CONFIDENCE", "INTENTS",
           "get_taxonomy", "get_model"]
