"""View helpers shared by the judged events' pages (forums score speakers, research defenses
score topics): running a service from a button, and the judges' score cards."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.forms import flash_service_errors
from training.services.judging import score_card_field


def flash_outcome(request, action, success: str) -> bool:
    """Run `action()` (a service call); flash its refusal (a ValidationError, field by field)
    or else `success`. Returns whether it was done."""
    try:
        action()
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return False
    messages.success(request, success)
    return True


def posted_scores(request, criteria) -> dict:
    """What the judge typed on a card: criterion id → raw value ("" when left empty)."""
    return {c.pk: request.POST.get(score_card_field(c), "") for c in criteria}


def card_errors(exc: ValidationError) -> dict[str, list[str]]:
    """A refused card's messages by field (a criterion's field name, or the whole card's)."""
    return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}


def score_cards(*, subjects, criteria, saved, failed=None, posted=None, errors=None) -> list:
    """The scoring page's cards, one per subject (speaker or topic) in order: its `fields`
    (criterion, input name, value, errors), whether the judge's saved card is complete
    (`done`) and the messages not tied to a criterion (`general`). `saved` is the judge's
    scores (subject id → criterion id → score); the card of the subject with id `failed`
    shows what was `posted` (criterion id → raw value) and its `errors` instead."""
    names = {c.pk: score_card_field(c) for c in criteria}
    cards = []
    for subject in subjects:
        mine = saved.get(subject.pk, {})
        refused = subject.pk == failed
        values, said = (posted, errors) if refused else (mine, {})
        cards.append(
            {
                "subject": subject,
                "fields": [
                    {
                        "criterion": c,
                        "name": names[c.pk],
                        "value": values.get(c.pk, ""),
                        "errors": said.get(names[c.pk], []),
                    }
                    for c in criteria
                ],
                "done": bool(criteria) and len(mine) == len(criteria),
                "general": [m for key, ms in said.items() if key not in names.values() for m in ms],
            }
        )
    return cards
