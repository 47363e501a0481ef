"""The language of the customer's text (py3langid, restricted to the languages the bank's customers write).

Short messages ("ok", "agent pls") carry too little text to tell languages apart, so a guess below the
confidence floor, or on fewer than three words, is the bank's own language.
"""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

DEFAULT = "en"
#: English, the UK's most spoken other languages, and Welsh.
LANGUAGES = ("en", "cy", "pl", "ro", "pa", "ur", "bn", "pt", "es", "ar", "fr", "it", "lt", "tr", "de", "bg", "zh",
             "hu", "nl", "gu")
MIN_CONFIDENCE = 0.8
MIN_WORDS = 3


@cache
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> tuple[str, float]:
    """``(ISO 639-1 code, confidence)``; the default language when the text is too short to tell."""
    words = text.split()
    if len(words) < MIN_WORDS:
        return DEFAULT, 0.5
    language, confidence = _identifier().classify(text)
    if language != DEFAULT and confidence < MIN_CONFIDENCE:
        return DEFAULT, 0.5
    return str(language), round(float(confidence), 3)
