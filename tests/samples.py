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

# A story whose paragraphs all share its subject: which one answers depends on the detail.
MARATHON_JSONL = {
    "url": "https://courier.example.com/sport/city-marathon-reviews",
    "title": "Mixed reviews for the new-look City Marathon",
    "publisher": "City Courier",
    "published": "2024-04-15",
    "text": (
        "The first City Marathon run on its new course drew mixed reviews on Sunday, with runners "
        "praising the flat route along the river but complaining about crowded water stations.\n\n"
        "The Running Show, a weekly podcast hosted by former champions Maria Costa and Tom Hale, gave "
        "its first impressions of the revamped marathon in an episode released on Monday.\n\n"
        "On the podcast, the hosts said the new course was faster than the old one but that organisers "
        "had underestimated how many runners would need water after the tenth kilometre.\n\n"
        "Organisers said 31,000 runners finished the race, a record, and promised to double the number "
        "of water stations next year."
    ),
}

# A story whose count is stated apart from the paragraph that tells the event in the
# question's words: a "how many" question must quote the count.
FLOOD_JSONL = {
    "url": "https://valley.example.com/news/severn-floods",
    "title": "Severn floods force evacuations in Bewdley",
    "publisher": "Valley Post",
    "published": "2024-02-10",
    "text": (
        "Rescue crews worked through Tuesday night to move people out of riverside homes in Bewdley "
        "after the Severn burst its banks, the Environment Agency said.\n\n"
        "Residents evacuated from the riverside streets were taken to the town's leisure centre, where "
        "volunteers handed out blankets and hot meals until the morning.\n\n"
        "In all, 340 residents had been evacuated by the time the water peaked on Wednesday, the county "
        "council said, and 60 properties were flooded.\n\n"
        "Forecasters expect the river to fall slowly over the weekend, though more rain is due on Monday."
    ),
}

# A story that tells when tickets go on sale but not what they cost: a price question about
# it has no answer, however close the paragraph's meaning.
TOUR_JSONL = {
    "url": "https://stage.example.com/music/harbour-lights-reunion-tour",
    "title": "Harbour Lights announce reunion tour for next summer",
    "publisher": "Stage Weekly",
    "published": "2024-05-20",
    "text": (
        "The folk band Harbour Lights will reunite next summer for a 30-date tour of Britain and "
        "Ireland, their first shows together in a decade, the band said on Monday.\n\n"
        "The tour opens in Galway on June 4 and ends with two nights at the Royal Albert Hall in "
        "London in late July.\n\n"
        "Tickets for the reunion tour go on sale on Friday at 10am through the band's website and "
        "the usual ticket outlets."
    ),
}

# A story that develops: the first report gives a toll, a later one updates it, in the way
# news reports a changed count ("has risen to eleven").
PROTEST_FIRST_JSONL = {
    "url": "https://wire.example.com/2024/03/04/dam-protests",
    "title": "Three dead as protests over Rio Claro dam turn violent",
    "publisher": "Wire",
    "published": "2024-03-04",
    "text": (
        "Three people have died in clashes between police and protesters opposing the Rio Claro "
        "dam, the regional health office said on Monday.\n\n"
        "The protests began last week after the government approved the dam, which would flood six "
        "villages.\n\n"
        "Police said they had used tear gas after protesters blocked the main highway to the capital."
    ),
}
PROTEST_LATER_JSONL = {
    "url": "https://daily.example.com/2024/03/06/dam-death-toll",
    "title": "Death toll in Rio Claro dam protests rises",
    "publisher": "Daily",
    "published": "2024-03-06",
    "text": (
        "The number of people killed in the Rio Claro dam protests has risen to eleven, the regional "
        "health office said on Wednesday, after two more injured protesters died in hospital.\n\n"
        "The government has suspended work on the dam while talks with village leaders continue.\n\n"
        "Thousands marched through the capital on Tuesday to mourn the dead."
    ),
}

# A profile whose paragraphs read like the answer to any "who is" question about a runner.
PROFILE_JSONL = {
    "url": "https://courier.example.com/sport/profile-race-director",
    "title": "Profile: Ines Duarte, Portugal's first female race director",
    "publisher": "City Courier",
    "published": "2024-04-20",
    "text": (
        "Ines Duarte has run the Lisbon half marathon since 2009 and now oversees eleven races a "
        "year.\n\n"
        "A former champion runner, she has organised road races across Portugal for two decades."
    ),
}

# A paragraph that names its subject only in the one before it.
QUALIFYING_JSONL = {
    "url": "https://sport.example.com/euro-qualifying",
    "title": "Euro 2020 qualifying: every team that has clinched a place",
    "publisher": "Sport Desk",
    "published": "2019-11-20",
    "text": (
        "Wales beat Hungary 2-0 in Cardiff on Tuesday to take the last automatic qualifying place "
        "in Group E.\n\n"
        "Aaron Ramsey scored twice for Ryan Giggs' team, which returns to a tournament where it "
        "reached the semi-finals four years ago.\n\n"
        "Denmark drew 1-1 in Ireland to win Group D, while Switzerland beat Gibraltar 6-0."
    ),
}

# A story that reports an event in one paragraph and its cause in the next, in other words.
RAIL_JSONL = {
    "url": "https://gazette.example.com/transport/coastal-line-suspended",
    "title": "Coastal rail line suspended",
    "publisher": "Valley Gazette",
    "published": "2024-05-09",
    "text": (
        "Northern Valley Rail suspended all services on its coastal line on Thursday, leaving "
        "thousands of commuters between Portmere and Ashby without trains for the morning rush.\n\n"
        "The company halted the trains after engineers found a crack in a rail near the Ashby "
        "viaduct during an overnight inspection.\n\n"
        "Replacement buses will run every twenty minutes until the line reopens, which the company "
        "expects on Saturday."
    ),
}

# A story with a figure of people that are not the ones a question about the dead counts.
FIRE_JSONL = {
    "url": "https://metro.example.com/news/eastfield-warehouse-fire",
    "title": "Night fire destroys Eastfield warehouse",
    "publisher": "Metro News",
    "published": "2024-06-03",
    "text": (
        "A fire tore through a furniture warehouse in Eastfield on Sunday night, sending smoke "
        "across the city's northern suburbs until dawn.\n\n"
        "About 200 people living in flats beside the warehouse were evacuated as firefighters "
        "fought the blaze for six hours.\n\n"
        "The fire service said on Monday there had been four deaths, all of them night-shift "
        "workers trapped on the upper floor."
    ),
}

# A story that gives the toll in other words than a question would ("members of the crew"),
# beside a figure of the very people the question names.
CRASH_JSONL = {
    "url": "https://coast.example.com/news/bodo-helicopter-crash",
    "title": "Coastguard helicopter crashes off Bodø",
    "publisher": "Coast Gazette",
    "published": "2024-10-08",
    "text": (
        "Two members of the helicopter's crew were killed when it came down in the sea off Bodø "
        "on Tuesday during a night rescue exercise, the coastguard said.\n\n"
        "About 600 coastguard officers serve in the northern command, which flies four such "
        "helicopters from its base at Bodø.\n\n"
        "The cause of the crash is not yet known, and the remaining helicopters have been grounded."
    ),
}

# A story that names the disease with a figure in its name ("COVID-19 cases") in the paragraph
# a question's words match best, and gives the count in the next.
OUTBREAK_JSONL = {
    "url": "https://adriatic.example.com/news/ravenna-covid-wards",
    "title": "Ravenna opens new COVID-19 wards",
    "publisher": "Adriatic Herald",
    "published": "2020-11-06",
    "text": (
        "Ravenna's health authority confirms COVID-19 cases daily, and hospitals have opened "
        "COVID-19 wards.\n\n"
        "Since March, 312 cases have been recorded across the province's nine towns.\n\n"
        "Schools stay open, but football matches will be played without fans until December."
    ),
}

# Two stabbings in one city: a question that names the victim of one is not answered by the
# other, however close its wording.
CLINIC_STABBING_JSONL = {
    "url": "https://berlin.example.com/news/clinic-stabbing",
    "title": "Doctor stabbed to death during lecture in Berlin",
    "publisher": "Berlin Courier",
    "published": "2024-11-20",
    "text": (
        "Fritz von Weizsäcker, a doctor and son of a former German president, was stabbed to death "
        "on Tuesday evening while giving a lecture at the Schlosspark clinic.\n\n"
        "Police arrested a 57-year-old man at the scene. A police officer who tried to stop the "
        "attack was badly hurt."
    ),
}
STATION_STABBING_JSONL = {
    "url": "https://spree.example.com/news/station-stabbing",
    "title": "Man stabbed to death at Berlin station",
    "publisher": "Spree Daily",
    "published": "2024-11-22",
    "text": (
        "A man was stabbed to death at a Berlin railway station on Friday night, and police are "
        "looking for the attacker.\n\n"
        "Witnesses said the victim had tried to stop the attacker from stealing a passenger's bag."
    ),
}

# A story whose later paragraph says a name more often than its opening, which tells the news.
HOLM_JSONL = {
    "url": "https://fjord.example.com/news/holm-case-dropped",
    "title": "Prosecutors drop fraud case against shipping magnate",
    "publisher": "Fjord Post",
    "published": "2024-09-03",
    "text": (
        "Prosecutors in Oslo have dropped their fraud investigation into shipping magnate Marten "
        "Holm, citing a lack of evidence after four years of inquiries.\n\n"
        "Who is Marten Holm?\n\n"
        "Marten Holm, 61, built Holm Shipping into Norway's third-largest tanker fleet, and Holm "
        "has long been one of the country's best-known businessmen.\n\n"
        "His lawyers said the decision came as no surprise and that he would now focus on the "
        "company."
    ),
}

# A story worded like the question in one paragraph, with the date it asks for in the next.
THEATRE_JSONL = {
    "url": "https://harbourcity.example.com/news/theatre-restoration",
    "title": "Harbour Theatre restoration nears its end",
    "publisher": "Harbour City News",
    "published": "2024-02-01",
    "text": (
        "The Harbour Theatre will reopen after a restoration that rebuilt its stage, its seats and "
        "its famous painted ceiling, the city council said.\n\n"
        "The theatre closed in 2019 after inspectors found cracks in the ceiling. Its first night "
        "back will be a gala concert on 14 March.\n\n"
        "Tickets for the gala go on sale next week."
    ),
}

# Another outlet's story that carries HOLM_JSONL's opening paragraph word for word.
HOLM_SHARES_JSONL = {
    "url": "https://markets.example.com/news/holm-shipping-shares",
    "title": "Holm Shipping shares jump",
    "publisher": "Markets Daily",
    "published": "2024-09-04",
    "text": (
        "Shares in Holm Shipping rose 12 percent in Oslo on Wednesday after the news that the case "
        "was over, and traders said the day's volumes were the highest in a year.\n\n"
        "Prosecutors in Oslo have dropped their fraud investigation into shipping magnate Marten "
        "Holm, citing a lack of evidence after four years of inquiries.\n\n"
        "Analysts said the end of the case removed the biggest risk hanging over the company's "
        "plans to buy six new tankers next year."
    ),
}

# A story that names the speaker and the subject in one paragraph and quotes her in the next.
LANES_JSONL = {
    "url": "https://citydesk.example.com/news/harbour-road-bike-lanes",
    "title": "Harbour Road bike lanes open",
    "publisher": "City Desk",
    "published": "2024-07-01",
    "text": (
        "Mayor Ana Ruiz opened six kilometres of new bike lanes along Harbour Road on Monday, "
        "separating cyclists from traffic with concrete kerbs and new signals at every junction.\n\n"
        '"This is the safest way into the centre this city has ever built," she said, promising two '
        "more routes like it before the next election.\n\n"
        "Work on the lanes took eight months and closed one traffic lane at a time."
    ),
}

# A story that names a sum for one company's shares: not an answer about another's.
LISTING_JSONL = {
    "url": "https://markets.example.com/2024/09/12/harbourline-listing",
    "title": "Harbourline raises $2.1bn in Singapore listing",
    "publisher": "Markets Daily",
    "published": "2024-09-12",
    "text": (
        "The shipping group Harbourline raised $2.1bn in its Singapore listing on Thursday, "
        "pricing its shares at S$4.20, the top of the range, after strong demand from funds.\n\n"
        "The shares rose 8 per cent on their first day of trading."
    ),
}

# A story that quotes a tweet: the candidate it praises is named only by his handle there.
RACE_JSONL = {
    "url": "https://statehouse.example.com/2024/11/04/governor-race-final-day",
    "title": "Governor's race ends in a dead heat",
    "publisher": "Statehouse Report",
    "published": "2024-11-04",
    "text": (
        "Both campaigns crossed the state on the final day of a governor's race that polls "
        "show as a dead heat, with turnout expected to break the record set four years ago.\n\n"
        "\u201cGovernor @DanKowalski has done a fantastic job, and he has my full support!\u201d "
        "the president wrote on social media on Sunday night.\n\n"
        "The challenger, Rosa Mendez, spent the day in the north of the state, where she "
        "promised voters a new hospital and faster broadband."
    ),
}

# Files `newsbot ingest` must refuse, each with (part of) the reason it must give.
BAD_FILES: list[tuple[str, str | bytes, str]] = [
    ("empty.txt", "", "the file is empty"),
    ("blank.md", "  \n\n ", "the file is empty"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("latin1.txt", "Caf\xe9 news\n\nThe caf\xe9 opened.".encode("latin-1"), "not UTF-8"),
    ("title-only.txt", "Just a title\n", "no article text"),
    ("bad.jsonl", '{"text": "ok"}\n{"text": "broken",\n', "line 2: not valid JSON"),
    ("notext.jsonl", '{"title": "no text"}\n', "line 1: 'text' is missing"),
    ("number.jsonl", '{"text": "a", "title": 5}\n', "line 1: 'title' must be a string"),
    ("date.jsonl", '{"text": "a", "published": "last Tuesday"}\n', "should be a date like 2024-12-05"),
    ("url.jsonl", '{"text": "a", "url": "ftp://x.example/a"}\n', "not a web address"),
    ("array.jsonl", "[1, 2]\n", "expected an object"),
    ("empty-list.json", "[]", "list of articles is empty"),
    ("nothing.html", "<html><body><nav>Home</nav></body></html>", "no article text"),
]
