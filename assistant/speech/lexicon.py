"""The one home of the word lists: speech verbs and their forms, titles, role nouns, pronouns, common first names.

Every stage that matches words (attribution, question parsing, the answer's lead lines, the PolNeAR scorer) reads
its list here, so that a word is added in one place.

The first-name lists hold common English given names (and frequent spellings) only; they decide the gender of a
person when the text gives no title (Mr/Ms) and no pronoun evidence. They are not a list of any article's people.
"""

from __future__ import annotations

import re

# Lemmas of verbs that report speech, writing or a stated opinion ("believes that …", "a study found that …").
# Every cue still needs content (a clause, a quotation, a colon or a preceding "…, X said"), so "added a goal" or
# "the index added 0.4 per cent" stay narration; the writer's own "I think" is narration too.
SPEECH_VERBS = frozenset(
    """say tell add argue state allege claim warn deny insist explain note write tweet post announce acknowledge
    admit suggest accuse report assert contend predict concede maintain recall urge declare reply respond answer
    ask comment confirm emphasize emphasise stress testify complain remark observe mention reveal vow pledge
    promise boast quip joke shout yell scream whisper cry exclaim continue counter caution charge blast slam
    criticize criticise blame lament concur agree disagree acknowledge affirm reiterate repeat retort snap
    speculate estimate describe call demand order threaten declare proclaim insist
    complain grumble muse opine posit theorize theorise write inform notify assure advise recount
    quote relate characterize characterise dismiss reject question conclude point
    find show cite learn acknowledge recommend propose condemn praise brand label dub denounce dispute
    defend reference detail discuss talk speak indicate signal rule determine liken compare express voice
    scoff sneer blurt gush marvel chuckle laugh sigh fume huff bristle mutter murmur crow jeer taunt plead beg
    implore interject chime rave rant protest echo reason volunteer hint tease growl bark
    mock ridicule chide scold rebuke berate lambaste castigate tout grill quiz press rip hammer hail""".split()
)
"""(The last two lines: manner-of-speaking verbs, ``cue_manner``: "“That is a fantasy,” scoffed X". Each still
needs content, so "she laughed" or "the crowd protested" alone stays narration. Faces are not in it: "grinned",
"smiled", "shrugged" tag a quotation now and then ("“Absolutely,” Ruiz beamed"), but as often stand beside one
someone else said ("Vane grinned and retold the story her father used to tell: “…”" is the father's); so do "liken"
and "compare"
(``cue_comparison``) and "express" and "voice", which speak through a clause: "expressed concern that …". The
line after them: verbs of mocking and scolding, speech acts by themselves (``SPEECH_ACTS``), and verbs that are
speech only when someone is questioned or attacked for something (``PERSON_OBJECT_VERBS``).)"""
# ``thoughts_are_narration``: verbs of thinking, hoping and expecting are the writer's account of a mind, not
# something the person said ("X hopes that …", "she worries whether …", "he knows …"). They are no cue; "X said
# he believes …" stays speech because "said" is the cue.
THOUGHT_VERBS = frozenset(
    """believe think feel fear worry hope doubt expect know understand recognize recognise realize realise
    anticipate assume suspect imagine wonder want plan intend wish""".split()
)
# ``speaker_document``: documents speak for whoever issued them ("A statement from the ministry said …").
DOCUMENT_NOUNS = frozenset(
    "statement report paper study survey letter memo release filing document analysis video ad book article poll"
    " bulletin newsletter notice advisory update".split()
)
"""Written or recorded texts, which speak only for whoever issued them. ``document_bulletin``: the notices a body
posts are documents too: "A bargaining update posted by the union says the company proposed …" is the union's,
and never "the company" from inside what it says."""
# ``cue_clause_after_medium``: where or how something was said, when the parser hangs the "that" clause on it
# ("said in an email that crews were working", "told reporters at a news conference that …").
SPOKEN_MEDIUM_NOUNS = frozenset("interview conference briefing speech call radio television podcast hearing".split())
"""``speaker_not_a_date`` / ``document_author_clause``: occasions of speaking, never a speaker themselves: "according
to a speech on Monday" names no one (unlike "The email said", a written text that speaks as documents do)."""
MEDIUM_NOUNS = SPOKEN_MEDIUM_NOUNS | frozenset("email e-mail message post tweet".split())
# ``cue_occasion_frame``: a sentence opened by where its subject said it reports what the subject said there: "In a
# statement issued Tuesday, Senator Ruiz was more cautious than her colleagues"; "Speaking to reporters, Ruiz was
# upbeat". Calls, hearings and broadcasts are left out: "In a hearing, the judge …" is as often about what happened.
OCCASION_FRAME_NOUNS = frozenset(
    "statement interview speech letter remarks tweet post op-ed email e-mail testimony address briefing conference memo"
    .split()
)
OCCASION_FRAME_PARTICIPLES = frozenset("speaking writing testifying talking".split())
# ``cue_occasion_frame``: what a subject looked like or did there is not what was said ("In the interview, she
# appeared relaxed").
NOT_SAID_VERBS = frozenset("appear seem look wear sit stand smile arrive walk sleep".split())
# ``speaker_inanimate``: data, figures, images and pages are no speaker: "The figures show …", "Video from the
# cell appeared to show …" are narration; one issued by someone named speaks for its issuer ("a photo posted by the
# fire service shows …" → the fire service), as documents do.
INANIMATE_NOUNS = frozenset(
    """data figure number statistic stat image photo photograph picture footage clip website site webpage page chart
    graph map table result evidence record screenshot recording""".split()
)
# ``speaker_office``: "Her office said …": the holder speaks ("a spokeswoman for X" stays as written).
OFFICE_NOUNS = frozenset(["office"])
# ``speaker_body``: "the company said" refers back to the body named earlier ("Velden Telecom").
BODY_NOUNS = frozenset(
    """company firm group agency office ministry department authority council government club team party union
    bank board committee commission court university hospital school police newspaper network magazine station campaign
    association coalition alliance federation institute foundation society organization organisation league
    service college city town""".split()
)
"""``body_by_name_head`` also reads "the service" (BC Wildfire Service), "the college" (Red River College) and "the
city" / "the town" (``organisation_civic_of``: the City of Ottawa) as the body named before them."""
# ``speaker_body_kind``: nouns that describe a business of any name ("the firm said" after "Norvik Shipping will
# sell …"): they resolve to the organisation the text talks about most, where no organisation's name ends in them.
COMPANY_NOUNS = frozenset(
    "company firm business carrier airline retailer insurer lender maker manufacturer operator steelmaker automaker"
    " carmaker developer publisher broadcaster supplier distributor chain brand".split()
)
TEAM_NOUNS = frozenset("team club".split())
TEAM_NAME_ENDINGS = frozenset("FC United City Club Athletic Rovers Wanderers".split())
"""``speaker_team``: "the team said" / "the club said" is the sports team named just before: a plural name ("The
Calgary Stampeders", "Toronto Maple Leafs") or one ending in a club word ("Northfield United", "Leeds FC")."""
BASED_TRADE_NOUNS = frozenset("miner producer grocer railway railroad exporter shipper brewer refiner telco".split())
"""``speaker_body_based``: nouns of a trade that stand for a business only beside where it is based ("The
Vancouver-based miner said" after "Carrow Resources Ltd. says …"); alone they may be a person ("the 58-year-old
miner")."""
MESSAGE_NOUNS = frozenset("message advice answer reply response verdict warning plea view retort point".split())
"""``colon_frame_message``: what someone says, named as a noun before a colon and a quotation ("Her message was
simple: “…”"); its owner speaks the quotation."""
SOURCE_FRAME_NOUNS = frozenset(
    "message word words promise warning verdict advice plea assessment prediction reaction response answer".split())
"""``source_frame``: a sentence that only names whose words the one before it were: "That's the message from
Councillor Luke Stack.", "Those were the words of one witness." (what was said, named as a noun, then "from"/"of");
a view is a belief, not something said ("That is the view of most historians" frames nothing)."""
ORGANISATION_KIND_PREFIXES = COMPANY_NOUNS | frozenset(
    "provider utility regulator watchdog body charity giant startup start-up nonprofit non-profit".split())
"""``organisation_kind_prefix``: a noun for a kind of organisation written before its name is no part of it:
"Retailer Kinsale & Drew said" and "Electricity provider NorthGrid said" are Kinsale & Drew and NorthGrid."""
# Words in the name of a public body, which "the company" never means ("the White House", "the Ports Authority").
PUBLIC_BODY_WORDS = frozenset(
    "house congress senate parliament administration army navy pentagon kremlin federal national state city".split()
)
# ``speaker_generic_group``: a quantifier or a bare generic plural is no one in particular: "Some said …", "Others
# argued …", "Analysts expect …" are the writer's summary, not a source a reader can name.
GENERIC_GROUPS = frozenset(
    "some others many few several most analysts experts observers critics commentators pundits".split()
)
# ``speaker_animate``: the common nouns for people that an unnamed source may be ("residents said", "a source
# said"); a common-noun subject that is none of these and does not end like one (-er, -or, -ist, -ian …) is a thing,
# not a speaker ("leaks explain", "polls suggest").
PEOPLE_NOUNS = frozenset(
    """people person resident official voter worker parent student member citizen local neighbour neighbor fan
    family woman man child teacher nurse doctor police protester demonstrator source lawmaker legislator politician
    authority investigator prosecutor scientist researcher economist expert critic observer supporter opponent
    advocate activist organiser organizer employee staff union owner landlord tenant passenger driver farmer
    patient victim witness relative friend colleague aide adviser advisor officer soldier troop player coach manager
    executive director spokesperson spokespeople shopper customer consumer user reader viewer listener guest host
    trustee councillor councilor mayor minister senator delegate diplomat negotiator analyst pundit insider
    everyone someone anyone nobody somebody one""".split()
)
# ``speaker_kin``: family and close relations: "my father said" is a source (unlike the writer's "my reaction"),
# and "His ex-wife contended …" is someone.
KIN_NOUNS = frozenset(
    """father mother dad mom parents parent wife husband son daughter brother sister friend friends colleague
    colleagues boss grandmother grandfather grandma grandpa uncle aunt cousin neighbor neighbour teacher doctor
    lawyer partner family surrogate ally""".split()
)
# ``speaker_animate``: nouns for groups of people, which speak as their members do ("the groups that signed the letter said").
GROUP_NOUNS = frozenset("group coalition organisation organization alliance association crowd audience panel jury".split())
# ``organisation_local_number``: a union's branch is named by its number ("UFCW Local 1518", "Lodge 712").
UNION_BRANCH_WORDS = frozenset("Local Lodge".split())
UNION_NAME_WORDS = frozenset("Workers Employees Teamsters Guild Brotherhood".split()) | UNION_BRANCH_WORDS
"""``company_not_union``: words that make a name a workers' organisation's ("United Warehouse and Logistics Workers
Local 117"), which is "the union" and never "the company"."""
PUBLIC_AGENCY_NOUNS = frozenset("agency department ministry".split())
PUBLIC_AGENCY_WORDS = frozenset(
    """Canada Health Environment Wildfire Service Services Agency Department Ministry Bureau Administration Commission
    Authority Office Federal National Statistics Parks Revenue Transport Fisheries""".split()
)
"""``description_public_agency``: "the agency", "the department" and "the ministry" describe a government body
whose name need not hold the word ("Health Canada issued a recall … The agency said", "Immigration, Refugees and
Citizenship Canada said … the department said"): the latest body named in the last few sentences with one of these
words in its name, or an acronym ("the FBI"), never a company, a union or a person."""
CIVIC_NAME_HEADS = frozenset("City Town Village Township Municipality County District Region Province Government".split())
"""``organisation_civic_of``: a capitalised word for a government before "of" and a place is one body's name,
"The City of Ottawa said" (not "City"), "the Town of Canmore", "the Government of Nunavut", although the tagger
labels the whole a place."""
# Verbs that name a speech act by themselves: an object or a to-infinitive is enough content ("Ruiz cited her
# endorsements", "she vowed not to raise fares again", "the senator proposes allowing parents to deduct …").
# All other speech verbs need a clause, a quotation or a colon ("added a goal" stays narration).
SPEECH_ACTS = frozenset(
    """announce propose urge vow pledge promise cite condemn praise criticize criticise blast slam mention accuse
    blame deny insist argue assert allege warn recommend demand tweet declare testify acknowledge admit concede
    reiterate threaten denounce dispute defend reference detail discuss mock ridicule chide scold rebuke berate
    lambaste castigate tout""".split()
)
# ``cue_person_object``: verbs that are speech only when their object is someone who is questioned or attacked,
# and (but for "grill" and "quiz") for something: "Sen. Warren grilled the bank's chief", "pressed the minister on
# the delays", "ripped the premier over the deficit", "hailed the mayor as a reformer". "Grilled steaks",
# "pressed charges", "the Leafs hammered the Senators 6-1" and "hailed a cab" stay narration.
PERSON_OBJECT_VERBS: dict[str, frozenset[str]] = {
    "grill": frozenset(), "quiz": frozenset(),
    "press": frozenset("on for about over".split()),
    "rip": frozenset("as for over".split()),
    "hammer": frozenset("for over about".split()),
    "hail": frozenset(["as"]),
}
# ``cue_comparison``: a person likening one thing to another says so ("Premier Ladd likened the deficit to a
# leaking roof"); it needs an object and "to" ("compared the two groups over ten years" stays narration).
COMPARISON_VERBS = frozenset("liken compare".split())
# ``cue_instruction``: telling or asking someone to do something is reported speech ("told her staff to draft a
# new bill", "asked the moderator to check the figures"); "asked about it" alone is not.
INSTRUCTION_VERBS = frozenset("tell ask advise".split())
# ``cue_make_clear``: "made it clear that …", "made plain he wanted …", "made known that …" say something; the
# adjective is what "make" makes of the clause.
MADE_CLEAR_ADJECTIVES = frozenset("clear plain known".split())
# ``cue_reply_back``: "“No,” Ruiz shot back", "the minister fired back that …", "hit back at critics, saying …":
# these verbs with "back" reply; without content ("shot back into the box") they stay narration.
REPLY_BACK_VERBS = frozenset("shoot fire hit".split())

# ``cue_as_said``: "as X noted, …" reports the clause it stands in ("But as the senator noted, those voters will
# give her a second look"); verbs of time or manner ("as she spoke, the crowd cheered") are no such frame.
AS_SAID_VERBS = frozenset(
    """say note report write argue explain observe claim acknowledge admit concede suggest predict warn point
    state testify recall tell""".split()
)

TITLES = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady sen senator rep representative gov governor
    pres president vice gen general col colonel lt capt captain cmdr adm admiral maj sgt rev reverend hon
    judge justice mayor secretary minister premier chancellor king queen prince princess pope chief director
    commissioner chairman chairwoman chair ceo sheriff attorney ambassador speaker leader
    congressman congresswoman councilman councilwoman councillor councilor detective officer inspector
    superintendent deputy assistant acting former fired late then first lady senators representatives reps
    governors presidents ministers candidate nominee
    coun const cst cpl insp supt det ald alderman mp mpp mla trustee reeve warden ag"""
    .split()
)
"""Words written before a person's name as their title. ``title_local_office``: the elected offices of Canadian
school boards and rural councils are titles too ("Trustee Sung-min Park said", "Reeve Ed Mulder", "Warden Ana
Brun": a hyphenated first name in no list is no reason to keep "Trustee" as part of the name); "AG" (attorney
general) is one before a surname ("AG Mukasey"), where another acronym is part of the name ("OC Transpo")."""
TITLE_ABBREVIATIONS = frozenset(
    "col lt sgt capt cmdr maj hon supt det insp coun const cst cpl ald msgr atty pvt brig amb asst mme".split()
)
"""Abbreviated titles spaCy's English tokenizer splits from their full stop ("Coun." → "Coun" "."), where it keeps
"Gov." and "Sen." whole; the sentence splitter never ends a sentence after them either (text/sentences.py)."""
MALE_TITLES = frozenset("mr sir lord king prince congressman councilman chairman father brother".split())
FEMALE_TITLES = frozenset(
    "mrs ms miss dame lady queen princess congresswoman councilwoman chairwoman mother sister".split()
)

# Head nouns of descriptions that can stand for a person already named ("the Russian leader", "the senator").
ROLE_NOUNS = frozenset(
    """leader president minister senator governor mayor candidate nominee secretary chancellor premier king
    queen prince spokesman spokeswoman spokesperson chairman chairwoman chair director chief ceo official
    ambassador judge justice lawmaker congressman congresswoman representative commissioner businessman
    businesswoman billionaire mogul actor actress singer star player coach founder author writer professor
    economist analyst lawyer attorney prosecutor sheriff general admiral officer diplomat pundit host anchor
    journalist reporter democrat republican incumbent challenger frontrunner contender politician strongman
    owner executive manager head boss activist adviser advisor aide woman man councillor councilor alderman
    trustee""".split()
)
# A person's role or title word ("councillor", "dr"): one union, read where a word may stand for a person.
ROLES_AND_TITLES = ROLE_NOUNS | TITLES
FEMALE_ROLES = frozenset(
    "spokeswoman chairwoman congresswoman businesswoman actress queen princess councilwoman woman".split()
)
MALE_ROLES = frozenset("spokesman chairman congressman businessman king prince councilman man".split())
_COUNCILLOR = frozenset({"councillor", "councilor", "coun", "councilman", "councilwoman", "alderman", "ald"})
# Role words that stand for each other: "the Russian leader" matches "Russian President Vladimir Putin".
ROLE_SYNONYMS: dict[str, frozenset[str]] = {
    "leader": frozenset({"president", "premier", "chancellor", "minister", "king", "queen", "leader", "head"}),
    "head": frozenset({"president", "leader", "chief", "director", "chairman", "chairwoman", "ceo"}),
    "chief": frozenset({"ceo", "director", "chief", "head"}),
    "senator": frozenset({"sen", "senator"}),
    "governor": frozenset({"gov", "governor"}),
    "representative": frozenset({"rep", "representative", "congressman", "congresswoman"}),
    "lawmaker": frozenset({"sen", "senator", "rep", "representative", "congressman", "congresswoman"}),
    "candidate": frozenset({"candidate", "nominee"}),
    "nominee": frozenset({"candidate", "nominee"}),
    "president": frozenset({"president", "pres"}),
    "coach": frozenset({"coach", "manager"}),  # a football club's manager is its coach: "the coach also praised …"
    "spokesperson": frozenset({"spokesperson", "spokeswoman", "spokesman"}),
    "trustee": frozenset({"trustee", "councillor"}),
    # ``description_title_abbreviation``: "the councillor said" after "Coun. Leah Brandvold", "the CEO" after
    # "Chief executive Martin Greeley": the description names the role the title abbreviates or spells out
    "councillor": _COUNCILLOR,
    "councilor": _COUNCILLOR,
    "alderman": frozenset({"alderman", "ald", "councillor", "councilor"}),
    "ceo": frozenset({"ceo", "executive"}),
    "judge": frozenset({"judge", "justice"}),  # "the judge said" after "Justice Amrita Sandhu"
}

COMPANY_NAME_ENDINGS = frozenset("inc corp corporation co ltd llc plc limited holdings".split())
"""The legal endings of a company's name ("Carrow Resources Ltd."): such a body is no government agency
(``description_public_agency``)."""
ORGANISATION_NAME_ENDINGS = COMPANY_NAME_ENDINGS | frozenset(
    """energy group foods motors airlines airways media news times post
    press network council union party association committee commission agency institute foundation society bank
    board authority ministry department office club league steel oil gas power mining shipping logistics systems
    technologies pharmaceuticals telecom capital partners industries""".split()
)
"""Last words of organisation names ("Tarrow Energy", "Harbour Council", "Vantor Steel"): a run ending in one is no
person however its role words read (``person_by_role_noun``: "the coal producer Tarrow Energy"), and is an
organisation the text talks of even where the tagger labels nothing (``organisation_name_ending``)."""

PERSON_NOUN_ENDING = re.compile(r"(?:er|or|ist|ian|ant|ent|ee|eer)s?$")
"""Endings of nouns for people ("organiser", "director", "economist", "trustee"), for ``speaker_animate`` and
``person_by_role_noun``."""

PLACE_WORDS = frozenset(
    """street road avenue lane boulevard drive square park bridge river bay island harbour harbor county valley
    heights airport centre center stadium arena plaza mall""".split()
)
"""Last words that make a run of two or more capitalised words a place, not a person (``name_place``): "along Dale
Street" ("Dale" is a first name). Surnames that are also place words ("Hill", "Hall", "Field", "Way") are left out."""

PRONOUNS_MALE = frozenset({"he", "him", "his", "himself"})
PRONOUNS_FEMALE = frozenset({"she", "her", "hers", "herself"})
PRONOUNS_PLURAL = frozenset({"they", "them", "their", "themselves"})
PRONOUNS_FIRST = frozenset({"i", "we", "me", "us", "my", "our"})

MALE_NAMES = frozenset(
    """aaron adam adrian alan albert  alexander alfred andrew andy angus anthony antonio arnold arthur austin
    barack barry ben benjamin bernard bernie bill billy bob bobby brad bradley brandon brendan brett brian bruce
    bryan byron calvin cameron carl carlos cecil charles charlie  christian christopher chuck clarence
    clark claude clay clint  cody colin connor craig curtis dale dan daniel danny darren dave david
    dean dennis derek dick dmitry don donald doug douglas duncan dustin dwight earl eddie edgar edward eli
    elijah elliot eric ernest ethan eugene evan felix francis frank franklin fred frederick gabriel gary
    gavin gene geoffrey george gerald gilbert glenn gordon graham grant greg gregory gus hank harold harry
    harvey hector henry herbert howard hugh hugo ian isaac ivan jack jacob jake james  jared jason jay
    jeb jeff jeffrey jeremy jerome jerry jesse jim jimmy joe joel john johnny jon jonathan  jorge jose
    joseph josh joshua juan julian justin karl keith ken kenneth kevin kurt kyle lance larry lawrence 
    leo leon leonard lewis lincoln  lloyd louis lucas luke malcolm marco marcus mario mark martin marvin
    matt matthew maurice max michael miguel mike mitch mitchell mohammed muhammad nathan neil nelson nick
    nicholas nigel noah norman oliver oscar owen  patrick paul pedro perry pete peter phil philip pierre
    ralph randy ray raymond reggie rex richard rick rob robert roberto rod rodney roger roland ron ronald ross
    roy rudolph rudy russell ryan  samuel scott sean sergei sergey seth shane shawn simon stan stanley
    stephen steve steven stuart ted  theodore thomas tim timothy todd tom tommy tony travis trevor troy
    tyler victor vincent vladimir walter warren wayne wesley will william willie xavier zach zachary""".split()
)
FEMALE_NAMES = frozenset(
    """abby abigail ada adele agnes alice alicia alison allison amanda amber amelia amy ana andrea angela
    angelina anita ann anna anne annie april ashley audrey barbara beatrice becky bella beth betsy betty
    beverly bonnie brenda bridget brittany camila candace carla carmen carol caroline carolyn carrie
    catherine cathy charlotte chelsea cheryl chloe christina christine cindy claire clara claudia colleen
    connie courtney crystal cynthia daisy  danielle darlene dawn debbie deborah debra denise diana diane
    dolores donna doris dorothy edith eileen elaine eleanor elena elisabeth elizabeth ella ellen emily emma
    erica erin esther ethel eva evelyn faith fiona florence frances gabriela gail gina gladys gloria grace
    gretchen hannah harriet hazel heather heidi helen hillary holly hope ida irene iris isabel isabella ivanka
     jacqueline jane janet janice jasmine  jeanne jennifer jenny jessica jill joan joanne jocelyn
    josephine joy joyce judith judy julia julie june karen kate katherine kathleen kathryn kathy katie kay
    kayla kelly kellyanne kim kimberly kirsten kristen laura lauren leah lena  lillian lily linda lisa
    lois loretta lori louise lucy lydia  madeline madison marcia margaret maria marian marie marilyn
    marion marsha martha mary maureen megan meghan megyn melania melanie melissa meredith michele michelle
    mildred miranda molly monica nancy naomi natalie natasha nicole nikki nina nora norma olivia paige pamela
    patricia patty paula pauline peggy penny phyllis priscilla rachel rebecca regina renee rita roberta
     robyn rosa rose rosemary ruth sally samantha sandra sara sarah sharon sheila shirley sonia sophia
    stacy stephanie susan suzanne sylvia tamara tammy tanya teresa theresa tiffany tina  ursula valerie
    vanessa vera veronica victoria virginia vivian wanda wendy whitney yolanda yvonne zoe""".split()
)


CENSUS_SHARE = 0.9
"""A census first name gives a gender when at least this share of its bearers (by the census frequencies) have it:
"Jordan" and "Dana" are given to both and give none, "Tom" and "Nadia" give one."""
CENSUS_COMMON = 0.01
"""A census first name makes an unlabelled run of capitalised words a person (``first_name_census``) only when at
least this percentage of the population bears it (1,577 names: "Nadia" at 0.011% is one, "Memory" at 0.005% is
not): the rare tail holds more words than names."""


def _census_first_names() -> tuple[dict[str, str | None], frozenset[str]]:
    """``first_name_census``: the given names of the 1990 United States census (public-domain data, packaged with
    its frequencies by the MIT-licensed PyPI package ``names``), far more than the hand lists above: each name's
    gender (or None when both are common: ``CENSUS_SHARE``) and the common ones (``CENSUS_COMMON``). Names that
    are also places ("Virginia", "Austin") are left to the tagger's labels where a run is judged a person."""
    from importlib.resources import files

    freq: dict[str, dict[str, float]] = {}
    for gender, table in (("f", "dist.female.first"), ("m", "dist.male.first")):
        for line in (files("names") / table).read_text(encoding="ascii").splitlines():
            parts = line.split()
            if len(parts) >= 2:
                freq.setdefault(parts[0].lower(), {})[gender] = float(parts[1])
    genders: dict[str, str | None] = {}
    common = set()
    for name, by in freq.items():
        total = sum(by.values())
        genders[name] = next((g for g, v in by.items() if total and v / total >= CENSUS_SHARE), None)
        if total >= CENSUS_COMMON:
            common.add(name)
    return genders, frozenset(common)


CENSUS_GENDERS, CENSUS_COMMON_NAMES = _census_first_names()


# ----- the word forms other stages match as text (no parse): one home, each list with the stage that reads it -----

# Honorifics and titles that are evidence of a person ("Mr", "Sen.") or stripped from a name ("Sen. Ted Cruz").
HONORIFICS = frozenset("mr mrs ms mx miss dr prof sen rep gov pres gen lt col capt sgt rev hon sir".split())
# Lower-case particles inside a surname ("Anna van der Berg", "Lucas de Souza"): part of the name, not a role
# before it (names.clean_name).
NAME_PARTICLES = frozenset("van von der den de del della di da du dos das ter ten bin ibn".split())
PERSON_EVIDENCE_TITLES = frozenset(
    """mr mrs ms miss dr sen rep gov president senator governor coun const cst cpl sgt det insp supt
    mp mpp mla mna mha mayor councillor councilor alderman""".split()
)
"""Titles that make the name after them a person whatever the tagger says, with the abbreviated ranks and offices
of Canadian news ("Const. Rajiv Dhillon", "Coun. Margaret Oyelaran", "Cpl. Janelle Tran") and its elected offices
(``person_by_elected_title``: "Gulf Islands MLA Rosalind Achebe was blunt: “…”", "Mayor Ingrid Solheim")."""
# Participles that stand before a role ("the ousted chairman"), so that the role still names a person.
ROLE_PARTICIPLES = frozenset("fired ousted embattled retired acting outgoing incoming disgraced jailed".split())
# Verbs that make a first line a headline, not a name ("Putin says …").
HEADLINE_VERBS = frozenset(
    "says said tells told asks asked calls called slams blasts urges wins will would is are was were has have".split()
)

# Inflected speech-verb forms matched by patterns where there is no parse (speech/cues.py, ``cue_regex``).
REGEX_SPEECH_FORMS = (
    "said says say told tells added adds argued argues stated states alleged alleges claimed claims warned "
    "warns denied denies insisted insists explained explains noted notes wrote writes tweeted tweets "
    "announced announces acknowledged admitted suggested suggests asserted contended predicted conceded "
    "maintained recalled urged declared replied responded asked confirmed stressed testified complained"
).split()
# The few forms that open an inverted cue ("…, said Budi Santoso") and a cue inside quote marks ("“He said no”").
INVERTED_CUE_FORMS = ("said", "says", "added", "wrote", "asked")
# ``cue_inverted_role``: after a closing quotation, a speech verb, a role in lower case and a name: "“…,” joked
# organiser Bea Lin", "“…,” said councillor Rhys Evans". Only verbs that are speech in this word order.
INVERTED_ROLE_CUE_FORMS = (
    "said", "says", "added", "asked", "wrote", "replied", "explained", "insisted", "warned", "noted", "recalled",
    "admitted", "argued", "conceded", "countered", "continued", "joked", "quipped", "scoffed", "laughed", "sighed",
)
INSIDE_MARKS_CUE_FORMS = ("said", "says", "told", "added", "stated", "explained", "wrote")
# Irregular forms the PolNeAR scorer needs to tell a speech cue from a thought (evaluation/polnear.py).
IRREGULAR_SPEECH_FORMS = frozenset("said says told tells wrote spoke spoken".split())
IRREGULAR_THOUGHT_FORMS = frozenset("felt thought understood knew known".split())

# Verb forms of a question that asks what someone said ("What did X say/claim/feel …?", search/questions.py).
QUESTION_SPEECH_FORMS = (
    "say said says saying tell told tells think thinks thought claim claims claimed state states stated argue "
    "argues argued write wrote written writes mean meant believe believes believed suggest suggested allege "
    "alleged add added announce announced reply replied answer answered comment commented admit admitted "
    "deny denied insist insisted warn warned predict predicted promise promised reveal revealed feel felt"
).split()
# Verb forms of a "Who said …?" question (search/answers.py): the reply names the speaker first.
WHO_SAID_FORMS = (
    "said says say stated states told tells claimed claims alleged alleges argued argues added wrote "
    "warned denied accused announced asked insisted suggested reported reports called"
).split() + ["was quoted", "is quoted"]

# A passage that is only a speech cue ("Putin said.", "he added.", search/answers.py ``is_cue_only``): its verbs
# and the words that may stand beside them without saying anything.
CUE_ONLY_VERBS = frozenset(
    """said says say added adds told tells stated states explained explains noted notes continued continues replied
    replies asked asks insisted insists argued argues claimed claims wrote writes remarked concluded recalled recalls
    warned warns answered answers responded responds declared declares observed observes commented comments
    acknowledged admitted added says stressed stresses emphasised emphasized emphasises emphasizes suggested
    suggests according went on quipped joked maintained""".split()
)
CUE_ONLY_FILLER = frozenset(
    """he she they it we i you him her them his its their the a an this that who also later then again too further
    simply once yesterday today tonight earlier afterwards on in at to with for of by from during after before
    through via interview statement statements reporters journalists press conference briefing news network
    translator spokesman spokeswoman spokesperson official officials source sources told as has have had was were is
    and but when while last week month year morning evening night day""".split()
)


def regex_alternatives(forms: tuple[str, ...] | list[str]) -> str:
    """``said|says|…`` for a regular expression, the forms in their order."""
    return "|".join(re.escape(f) for f in forms)


# ----- quote checks (search/quote_check.py): the words whose change alters what a quote means -----

NEGATION_WORDS = frozenset(
    """not no never nothing none nobody nowhere neither nor without cannot cant dont doesnt didnt isnt arent wasnt
    werent wont wouldnt shouldnt couldnt hasnt havent hadnt mustnt aint""".split()
)
"""Negations, apostrophes taken out ("don't" → "dont", "n't" endings are caught by the rule beside this list)."""

NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million
    billion trillion dozen half quarter first second third fourth fifth once twice double triple percent""".split()
)
"""Number words (digits are numbers by their form): a changed amount changes what was said."""

QUOTE_QUESTION_FORMS = QUESTION_SPEECH_FORMS + (
    "call calls called describe describes described label labels labelled labeled dub dubbed use used utter uttered "
    "tweet tweeted post posted"
).split()
"""The verbs of "Did X say/call it/describe it as '…'?": the name X is what stands before one of them."""

DATE_WORDS = frozenset(
    """january february march april may june july august september october november december monday tuesday
    wednesday thursday friday saturday sunday today tomorrow yesterday""".split()
)
"""Months, weekdays and relative days: a changed date changes what was said (as a number does)."""


def animate_noun(word: str) -> bool:
    """A common noun that can name people (``speaker_animate``); of "ex-wife", "co-founder", the last part."""
    word = word.strip(".,;:’'\"").rsplit("-", 1)[-1]
    singular = word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") else word
    return bool({word, singular} & (PEOPLE_NOUNS | ROLE_NOUNS | TITLES | GENERIC_GROUPS | BODY_NOUNS | GROUP_NOUNS
                                    | KIN_NOUNS)) \
        or bool(PERSON_NOUN_ENDING.search(word))
