"""Articles the tests feed newsbot."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "2024-12-05-moscow-times-russia-us-army-chiefs-call.md"
SAMPLE_URL = "https://www.themoscowtimes.com/2024/12/05/russia-us-army-chiefs-hold-rare-call-amid-ukraine-escalation-a87242"
SAMPLE_TITLE = "Russia, U.S. Army Chiefs Hold Rare Call Amid Ukraine Escalation"

# A second story on a neighbouring subject, so that answers have more than one article to
# choose from and unrelated questions have something to be wrongly matched against.
HARBOUR_JSONL = {
    "url": "https://herald.example.com/news/storm-closes-harbour",
    "title": "Storm closes the harbour for three days",
    "publisher": "Coastal Herald",
    "published": "2024-03-02",
    "text": (
        "The harbour master closed the port on Saturday after waves of up to nine metres battered "
        "the outer wall, stranding forty fishing boats inside.\n\n"
        "Crews expect to reopen the main channel on Tuesday once divers have checked the breakwater "
        "for damage, the port authority said in a statement.\n\n"
        "Fishermen said the closure would cost them a week of catch at the height of the season."
    ),
}
