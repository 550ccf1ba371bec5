"""Word lists for speaker attribution: speech verbs, titles, role nouns, pronouns and common first names.

The first-name lists hold common English given names (and frequent spellings) only; they decide the gender of a
person when the text gives no title (Mr/Ms) and no pronoun evidence. They are not a list of any article's people.
"""

from __future__ import annotations

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
    defend reference detail discuss talk speak indicate signal rule determine""".split()
)
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
    .split()
)
# ``speaker_office``: "Her office said …": the holder speaks ("a spokeswoman for X" stays as written).
OFFICE_NOUNS = frozenset(["office"])
# ``speaker_body``: "the company said" refers back to the body named earlier ("Velden Telecom").
BODY_NOUNS = frozenset(
    """company firm group agency office ministry department authority council government club team party union
    bank board committee commission court university hospital school police newspaper network magazine station campaign""".split()
)
# Verbs that name a speech act by themselves: an object or a to-infinitive is enough content ("Trump cited his
# endorsements", "she vowed not to repeat that mistake", "the senator proposes allowing parents to deduct …").
# All other speech verbs need a clause, a quotation or a colon ("added a goal" stays narration).
SPEECH_ACTS = frozenset(
    """announce propose urge vow pledge promise cite condemn praise criticize criticise blast slam mention accuse
    blame deny insist argue assert allege warn recommend demand tweet declare testify acknowledge admit concede
    reiterate threaten denounce dispute defend reference detail discuss""".split()
)

TITLES = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady sen senator rep representative gov governor
    pres president vice gen general col colonel lt capt captain cmdr adm admiral maj sgt rev reverend hon
    judge justice mayor secretary minister premier chancellor king queen prince princess pope chief director
    commissioner chairman chairwoman chair ceo sheriff attorney ambassador speaker leader
    congressman congresswoman councilman councilwoman councillor councilor detective officer inspector
    superintendent deputy assistant acting former fired late then first lady senators representatives reps
    governors presidents ministers candidate nominee"""
    .split()
)
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
    owner executive manager head boss activist adviser advisor aide woman man""".split()
)
FEMALE_ROLES = frozenset(
    "spokeswoman chairwoman congresswoman businesswoman actress queen princess councilwoman woman".split()
)
MALE_ROLES = frozenset("spokesman chairman congressman businessman king prince councilman man".split())
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
}

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
