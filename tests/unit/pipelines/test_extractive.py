from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from copilot.pipelines.extractive import (
    FEATURES,
    RANKER_WEIGHTS,
    compose,
    select_sentences,
)
from knowledge_base.documents import Audience, DocumentKind
from knowledge_base.search import Passage, SearchHit

PAGE = [
    Passage("Replacement cards\nA replacement card arrives in 3 to 5 working days by post.", "", 0, 0.0),
    Passage("Can I use my old card meanwhile?\nNo, the old card is cancelled as soon as you order a new one.", "", 1, 0.0),
    Passage("Fees\nThe first replacement card each year is free of charge.\n"
            "After that each replacement card costs five pounds.", "", 2, 0.0),
]


def _hit(passages: Sequence[Passage]) -> SearchHit:
    return SearchHit(doc_id="cards", title="Cards", url=None, kind=DocumentKind.ARTICLE, audience=Audience.PUBLIC,
                     tags=(), score=1.0, passages=tuple(passages))


def _texts(extracts: Sequence[object]) -> list[str]:
    return [e.sentence for e in extracts]  # type: ignore[attr-defined]


def test_weights_cover_every_feature() -> None:
    assert len(RANKER_WEIGHTS) == len(FEATURES)


def test_no_hits_or_nothing_quotable_gives_nothing() -> None:
    assert select_sentences("card", []) == []
    assert select_sentences("card", [_hit([Passage("Fees\nToo short.", "", 0, 0.0)])]) == []


def test_quotes_the_sentence_that_answers_the_message() -> None:
    extracts = select_sentences("how long does a replacement card take to arrive", [_hit(PAGE[:1])], min_words=0, second_margin=None)
    assert _texts(extracts) == ["A replacement card arrives in 3 to 5 working days by post."]
    assert extracts[0].doc_id == "cards"


def test_a_line_that_scores_almost_as_well_is_added_in_page_order() -> None:
    query = "is a replacement card free of charge, and how long does a replacement card take to arrive by post"
    one = select_sentences(query, [_hit(PAGE)], min_words=0, second_margin=None)
    two = select_sentences(query, [_hit(PAGE)], min_words=0, second_margin=10.0)
    assert len(one) == 1 and len(two) == 2
    assert one[0].sentence in _texts(two)
    assert [e.position for e in two] == sorted(e.position for e in two)
    assert "A replacement card arrives in 3 to 5 working days by post." in _texts(two)
    # Never beyond the word budget.
    assert len(select_sentences(query, [_hit(PAGE)], min_words=0, max_words=12, second_margin=10.0)) == 1


def test_a_matching_question_is_answered_by_the_line_under_it() -> None:
    extracts = select_sentences("can I use my old card meanwhile", [_hit(PAGE)], min_words=0, second_margin=None)
    assert _texts(extracts) == ["No, the old card is cancelled as soon as you order a new one."]


def test_reads_the_whole_document_when_given() -> None:
    # The search returned only the first passage; the fee is in a passage it did not return.
    hit = _hit(PAGE[:1])
    query = "is there a fee for a replacement card, is it free of charge"
    without = select_sentences(query, [hit], min_words=0, second_margin=None)
    with_document = select_sentences(query, [hit], document=PAGE, min_words=0, second_margin=None)
    assert "free of charge" not in " ".join(_texts(without))
    assert _texts(with_document) == ["The first replacement card each year is free of charge."]


def test_short_quotes_continue_with_the_next_sentences_up_to_a_heading() -> None:
    query = "is there a fee for a replacement card, is it free of charge"
    extracts = select_sentences(query, [_hit(PAGE)], min_words=24, max_words=50, second_margin=None)
    assert _texts(extracts) == [
        "The first replacement card each year is free of charge.",
        "After that each replacement card costs five pounds.",
    ]
    assert [e.position for e in extracts] == sorted(e.position for e in extracts)
    # The continuation stops at the budget ...
    assert len(select_sentences(query, [_hit(PAGE)], min_words=24, max_words=15, second_margin=None)) == 1
    # ... and at the next heading: the first answer is followed by a question, which is not quoted.
    first = select_sentences(
        "how long does a replacement card take to arrive", [_hit(PAGE)], min_words=40, second_margin=None
    )
    assert _texts(first) == ["A replacement card arrives in 3 to 5 working days by post."]


def _unit(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Embeds every text as the same vector: meaning carries no signal, only the other features do."""
    return np.ones((len(texts), 4), dtype=np.float32) / 2


def test_follows_the_walk_through_the_page() -> None:
    steps = [
        Passage("First fill in the online form with your personal details and your address.\n"
                "Then upload a photo of your passport or your driving licence.\n"
                "Finally we check your documents within two working days.", "", 0, 0.0),
    ]
    conversation = [
        ("customer", "how do I open an account"),
        ("agent", "First fill in the online form with your personal details."),
        ("customer", "done, what now"),
    ]
    extracts = select_sentences("done, what now", [_hit(steps)], conversation=conversation, embed=_unit, min_words=0, second_margin=None)
    assert _texts(extracts) == ["Then upload a photo of your passport or your driving licence."]
    # Without the agent's turn, the first reply of a chat leans to the top of the page.
    opening = select_sentences("done, what now", [_hit(steps)], embed=_unit, min_words=0, second_margin=None)
    assert _texts(opening) == ["First fill in the online form with your personal details and your address."]


def test_compose_wraps_the_body_in_the_templates() -> None:
    extracts = select_sentences("how long does a replacement card take to arrive", [_hit(PAGE[:1])], min_words=0, second_margin=None)
    text = compose(extracts, opening="Thanks.", closing="Anything else?")
    assert text.startswith("Thanks. ") and text.endswith(" Anything else?")
    assert compose([], opening="", closing="") == ""


def test_section_headings_lead_to_their_steps_and_list_items_stay_whole() -> None:
    page = [
        Passage("A direct debit is set up by the company you are paying, not by you in the app.", "Setting up", 0, 0.0),
        Passage("1. Go to **Payments > Direct Debits**.\n2. Tap the one you want to stop.\n"
                "3. Tap **Stop** and confirm.", "Cancelling a direct debit", 1, 0.0),
        Passage("If there is not enough money in your account, the direct debit is returned unpaid.",
                "When a payment fails", 2, 0.0),
    ]
    conversation = [
        ("customer", "what is a direct debit"),
        ("agent", "A direct debit is set up by the company you are paying."),
        ("customer", "how do I cancel a direct debit"),
    ]
    extracts = select_sentences(
        "how do I cancel a direct debit", [_hit(page[:1])], document=page, conversation=conversation,
        second_margin=None,
    )
    # The heading is read, not quoted; the numbered steps come whole ("1." is not a sentence of its own).
    assert _texts(extracts) == ["Go to Payments > Direct Debits.", "Tap the one you want to stop.", "Tap Stop and confirm."]
