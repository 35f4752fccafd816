"""Cue words and phrases per language (en, fi, sv, da, no).

Every entry is lower-case and matched on whole words of the normalised text.
Entries are written "a|b|c" to keep this data file compact. The detector is
language-agnostic at the feature level: a Finnish "miten" and a Swedish "hur"
both fire the cue ``wh_start:how``, so weights learned on the larger English
training data carry over to the Nordic languages.
"""

from __future__ import annotations


def _p(*parts: str) -> tuple[str, ...]:
    return tuple(w for part in parts for w in part.split("|") if w)


# Interrogative words by canonical meaning. Only their position at the start of
# a sentence is a strong cue; "when"/"när"/"når" also open plain clauses
# ("when I log in it fails"), so they get their own weight.
WH: dict[str, tuple[str, ...]] = {
    "what": _p(
        "what|whats|what's|wat|wut|wht|whatcha|wassup|whatsup|mitä|mita|mikä|mika|mitkä|minkä|",
        "millä|mille|miltä|mitäs|vad|vilken|vilket|vilka|hvad|hva|hvilken|hvilket|hvilke|which|",
        "entä|entäs",
    ),
    "where": _p(
        "where|wheres|where's|var|missä|missa|mistä|mista|mihin|minne|vart|varifrån|varifran|hvor|",
        "hvorhen|hvorfra",
    ),
    "when": _p(
        "when|whens|milloin|när|når|hvornår|hvornar|koska",
    ),
    "why": _p(
        "why|whys|miksi|miks|varför|varfor|hvorfor|howcome",
    ),
    "who": _p(
        "who|whos|who's|whom|whose|kuka|ketkä|kenen|kenelle|keneltä|kehen|vem|vems|hvem|hvems",
    ),
    "how": _p(
        "how|hows|how's|kauanko|miksei|miten|mitenkä|kuinka|millainen|minkälainen|mites|",
        "paljonko|montako|",
        "kumpi|kumpaa|hur|hurdan|hvordan|hvorledes|åssen",
    ),
}

# Question words that carry "is" ("how's it going", "whats the limit", "wheres the button").
WH_WITH_VERB: frozenset[str] = frozenset(
    _p("what's|whats|wats|how's|hows|where's|wheres|who's|whos|when's|whens|why's|whys")
)

# Auxiliaries / verbs that open a yes/no question when they come first and a
# subject follows ("can I", "kan jag", "kan jeg", "er det").
AUX: tuple[str, ...] = _p(
    "is|isnt|isn't|are|arent|aren't|r|was|wasnt|wasn't|were|am|do|does|did|dont|don't|",
    "doesnt|doesn't|didnt|didn't|can|cant|can't|could|couldnt|couldn't|will|wont|won't|",
    "would|wouldnt|wouldn't|should|shouldnt|shouldn't|shall|may|might|must|have|has|had|",
    "havent|haven't|hasnt|hasn't|ru|ur|wanna|är|kan|har|finns|ska|skall|går|funkar|",
    "fungerar|behöver|måste|vill|får|borde|brukar|kommer|gör|vet|stämmer|blir|var|hade|",
    "kunde|skulle|hjälper|syns|visas|händer|stöder|stödjer|klarar|gäller|er|findes|skal|",
    "virker|fungerer|behøver|må|vil|burde|plejer|gør|ved|passer|bliver|havde|hjælper|vises|",
    "sker|tager|understøtter|gælder|kender|finnes|funker|trenger|pleier|gjør|stemmer|hadde|",
    "hjelper|skjer|tar|støtter|gjelder|kjenner",
)

# Subjects that may follow a fronted auxiliary.
SUBJ: tuple[str, ...] = _p(
    "i|you|u|ya|ye|we|they|he|she|it|there|this|that|these|those|anyone|anybody|any1|",
    "someone|somebody|the|my|your|ur|our|their|his|her|its|everyone|yall|y'all|me|jag|du|",
    "ni|vi|de|han|hon|den|det|man|någon|nån|jeg|dere|hun|nogen|noen|dig|deg|mig|meg",
)

# Finnish question clitics sit on a word's end: toimiiko, onko, voiks, eikös.
FI_CLITIC_SUFFIXES: tuple[str, ...] = _p(
    "ko|kö|kos|kös|ks",
)

# Words that only look like they carry the clitic.
FI_CLITIC_STOP: frozenset[str] = frozenset(
    _p(
        "ahkko|asks|backs|banks|blocks|books|checks|chunks|cisco|clicks|cooks|costco|decks|",
        "deko|desks|disco|disks|docks|drinks|echo|ekks|folks|forks|fucks|gecko|geeks|hacks|",
        "heikko|hooks|ikkö|jakso|jukka|kaks|kicks|kiekko|kiitoks|kiosko|kokko|koko|koska|ks|",
        "kukko|lakko|links|lmks|locks|looks|lukko|marks|mexico|mikko|oikko|packs|paikko|parks|",
        "peeks|picks|psycho|ranking|ranks|risks|rocks|rococo|seeks|siks|sinks|socks|sticks|",
        "sucks|sukko|taco|takko|talks|tasks|taulukko|tesco|thanks|thinks|thks|thx|tikko|tks|",
        "tokyo|tracks|verkko|walks|weeks|winks|works",
    )
)

# Finnish question verbs frequently seen with the clitic; a safety net for the
# stop-list approach above.
FI_CLITIC_WORDS: frozenset[str] = frozenset(
    _p(
        "ehditkö|eiks|eikö|eikös|jaksaako|kannattaako|käykö|löytyykö|meneekö|muistaako|näkyykö|",
        "oletko|olisiko|olisko|onko|onkohan|onkos|onks|onkse|ootko|ootsä|osaako|osaatko|ovatko|",
        "pitääks|pitääkö|pystyttekö|pystyykö|saako|saaks|saanko|saisinko|tarvitseeko|tiedätkö|",
        "tietääkö|toimiiko|toimiiks|toimisko|tuleeko|voiko|voiks|voinko|voisiko|voisitko|",
        "voisitteko|voitteko",
    )
)

ANYONE: tuple[str, ...] = _p(
    "anyone|anybody|any1|n e 1|any one|does anyone|anyone know|any idea|",
    "any ideas|any clue|any tips|any suggestions|joku|jollain|kukaan|kellään|kenelläkään|",
    "jollakin|onko kellään|tietääkö joku|någon|nån|någon som|nogen|nogen der|noen|noen som",
)

# Short replies that look like questions but ask nothing ("really?", "is that right?").
BACKCHANNEL: tuple[str, ...] = _p(
    "really|seriously|right|ok|okay|huh|eh|what|wat|sorry|so|yea|yep|yeah right|pardon|",
    "pardon me|you know|y'know|",
    "ya know|no way|for real|is that so|is that right|is that true|oh yeah|yeah|yes|no|",
    "oh really|oh|really now|isn't it|is it|innit|hmm|lol|srsly|orly|rly|you think|",
    "no kidding|are you serious|are you kidding|you think so|think so|i think so|i guess|",
    "i see|got it|gotcha|"
    "pardon me|excuse me|come on|you mean|u serious|aha|uh huh|what's that|come again|ai jaa|",
    "aijaa|",
    "ai|jaa|oikeesti|oikeasti|niinkö|ihanko totta|vai niin|täh|häh|mitä|jaaha|niin|",
    "eikö vaan|vai mitä|tiedäthän|ai niin|ai oikeesti|ootko tosissas|ihan totta|just niin|",
    "eiks|onks|jaså|verkligen|seriöst|va|eller hur|visst|jaha|okej|ah ok|är det sant|",
    "på riktigt|vet du|jaså minsann|eller|nähä|nå|virkelig|hvad|ikke|ikke sandt|",
    "er det rigtigt|passer det|ja|ved du|altså|nåh|hva|hæ|ikke sant|er det sant|",
    "stemmer det|å ja|seriøst|jasså|nei",
)

# Fixed rhetorical questions, matched anywhere in the message.
RHETORICAL: tuple[str, ...] = _p(
    "what can i say|how shall i put it|how should i put it|how can i put it|how shall i say it|",
    "what do you call it|what do they call it|what's the word|what is the word|",
    "what else is there|what more can you ask|why would anyone|how could anyone|",
    "mitäpä sitä|mitä sitä turhia|vad ska man säga|hvad skal man sige|hva skal man si|",
    "isn't it great|isn't that great|isn't it nice|isn't that nice|isn't it cool|",
    "isn't that cool|isn't it amazing|isn't that amazing|isnt it great|isnt that great|",
    "who cares|who knows|guess what|how cool is that|how awesome is that|",
    "what's not to like|why not|what could go wrong|who doesn't|who would have thought|",
    "how about that|what can you do|what else is new|am i right|amirite|",
    "eikö olekin hienoa|eikö ole hienoa|eikö olekin kivaa|eikö olekin|kuka välittää|",
    "kukapa ei|mitäpä siitä|miksipä ei|kukapa tietää|mitäs tässä|arvaa mitä|eikös olekin|",
    "visst är det fint|visst är det bra|är det inte fint|är det inte härligt|vem bryr sig|",
    "varför inte|vem vet|gissa vad|är inte det härligt|er det ikke fedt|er det ikke skønt|",
    "er det ikke dejligt|hvem gider|hvem bekymrer sig|hvorfor ikke|hvem ved|gæt hvad|",
    "er det ikke flott|er ikke det flott|hvem bryr seg|hvem vet|gjett hva|",
    "er det ikke herlig",
)

# Discourse fillers skipped before looking at how a sentence starts.
FILLERS: frozenset[str] = frozenset(
    _p(
        "ah|all|alltså|also|altså|and|anyway|anyways|btw|but|eli|erm|folks|fråga|guys|hallo|",
        "hei|heisann|hej|hejsa|hejsan|hello|hey|hi|hiya|hm|hmm|ja|jaa|joo|k|kysymys|like|lol|",
        "men|moi|moikka|morjens|mut|mutta|nei|nej|nii|niin|no|now|och|og|oh|ok|okay|okei|okej|",
        "or|plus|q|question|quick|siis|so|sorry|spørgsmål|spørsmål|sup|så|tai|team|terve|then|",
        "tjena|uh|uhm|um|umm|well|yeah|yes|yo",
    )
)

# Hedges that may open a spoken question: "I mean, do you ...", "jag menar, har ni ...".
LEAD_HEDGES: frozenset[tuple[str, ...]] = frozenset(
    tuple(p.split()) for p in _p("i mean|you know|you see|jag menar|jeg mener|siis tota")
)

# Preambles that may stand before a question in the same sentence: "quick one - does ...".
LEAD_PREAMBLES: frozenset[tuple[str, ...]] = frozenset(
    tuple(p.split())
    for p in _p(
        "quick one|one more thing|one more question|another thing|vielä yks juttu|",
        "vielä yksi juttu|yks juttu|en grej till|en sak till|en ting mere|en ting til|",
        "et spørgsmål mere|ett spørsmål til|et spørsmål til",
    )
)

# A filler closing a statement with "?": "it's expensive, you know?", "det är dyrt, vet du?".
FILLER_TAGS: tuple[str, ...] = _p(
    "you know|y'know|ya know|you see|tiedäthän|tiedätsä|tiiätsä|vet du|ved du|vettu",
)

# How one tells a laugh or an emoticon at the end of a chat line from words.
TRAILING_NOISE: frozenset[str] = frozenset(
    _p(
        "asap|btw|haa|hah|haha|hahaha|heh|hehe|imo|jk|kiitos|kiitti|kthx|lmao|lmfao|lol|now|",
        "please|pls|plz|rofl|sorry|sry|tack|tak|takk|then|tho|though|thx|ty|xd|xoxo|xx",
    )
)

# Indirect questions: "I wonder whether ...", "do you know if ...".
WONDER: tuple[str, ...] = _p(
    "i wonder|wondering|i was wondering|do you know|do u know|any idea|is it possible|",
    "is there a way|is there any way|not sure how|not sure if|not sure whether|not sure what|",
    "not sure where|not sure which|not sure why|curious if|curious whether|curious how|",
    "can't figure out|cant figure out|trying to figure out|mietin|ihmettelen|tiedättekö|",
    "tiedätkö|onko mahdollista|en tiedä miten|en ole varma onko|en ole varma miten|",
    "en ole varma mitä|olisiko mahdollista|undrar|",
    "jag undrar|vet ni|vet du om|är det möjligt|går det att|inte säker på|jag funderar på|",
    "lurer på|jeg lurer på|spekulerer på|jeg spekulerer på|ved i|ved du om|vet dere|",
    "er det muligt|er det mulig|ikke sikker på|wondering about|curious about|no idea how|",
    "no idea where|no idea what|no idea why|no idea if|no idea whether|can't find where|",
    "cant find where|trying to understand|kiinnostais tietää|kiinnostaisi tietää|",
    "en löydä mistä|en löydä missä|ei hajuakaan|yritän hahmottaa|yritän ymmärtää|",
    "hittar inte var|hittar inte hur|ingen aning om|ingen aning hur|försöker förstå|",
    "funderar på|funderar lite på|nyfiken på|kan ikke finde ud af|kan ikke finde hvor|",
    "aner ikke|prøver at forstå|nysgerrig efter|nysgerrig på|finner ikke ut|",
    "finner ikke hvor|prøver å skjønne|prøver å forstå|nysgjerrig på|lurer litt på|",
    # "would be good to know whether ...": a question put as a wish, not an idea
    "would be good to know|would be nice to know|would be great to know|would like to know|",
    "ois kiva tietää|olis kiva tietää|olisi kiva tietää|ois hyvä tietää|olis hyvä tietää|",
    "olisi hyvä tietää|haluaisin tietää|en löydä mistään|skulle vara bra att veta|",
    "skulle vara skönt att veta|vore bra att veta|vill gärna veta|ville være rart at vide|",
    "ville være godt at vide|vil gerne vide|hadde vært greit å vite|hadde vært fint å vite|",
    "hadde vært kjekt å vite|vil gjerne vite",
)

# Words that open a statement about oneself ("I restarted it", "vi har ...").
FIRST_PERSON: frozenset[str] = frozenset(
    _p(
        "i|i'd|i'm|i've|id|im|ive|jag|jeg|me|meg|meidän|meillä|mig|min|minulla|minä|mitt|mulla|",
        "mun|my|mä|mää|our|vi|vores|vår|vårt|we|we're|were",
    )
)

# A question tag at the end asks for agreement, not information, unless the
# rest of the sentence asks something too.
TAGS: tuple[str, ...] = _p(
    "right|isn't it|isnt it|aren't they|don't you|didn't it|no|eh|huh|innit|yeah|ok|okay|",
    "you know|eikö|eiks|vai|vai mitä|eller hur|eller|visst|ikke|ikke sandt|ikke sant|ikk|",
    "vel",
)

# Exclamations shaped like questions: "how nice", "what a day", "hvor fedt".
EXCLAIM_HEADS: frozenset[str] = frozenset(
    _p(
        "how|hur|hva|hvad|hvor|kuinka|mikä|miten|så|vad|what",
    )
)

EXCLAIM_WORDS: frozenset[str] = frozenset(
    _p(
        "a|amazing|an|awesome|awful|cool|cute|dejligt|exciting|fedt|fint|flott|fun|funny|great|",
        "gøy|hauskaa|herlig|hieno|hienoa|horrible|häftigt|härligt|ihana|ihanaa|ikävää|",
        "interesting|kamalaa|kiva|kivaa|kjipt|konstigt|kul|lovely|mahtavaa|mærkeligt|neat|nice|",
        "outoa|rart|roligt|sad|sjovt|skønt|strange|sweet|synd|terrible|trist|tråkigt|weird|",
        "wonderful",
    )
)

# "did you?", "is it?", "har du?": echoes; "can I?", "may I?" still ask.
ECHO_AUX: frozenset[str] = frozenset(
    _p(
        "is|isnt|isn't|are|arent|aren't|was|wasnt|wasn't|were|am|do|does|did|dont|don't|doesnt|",
        "doesn't|didnt|didn't|have|has|had|havent|haven't|hasnt|hasn't|r|är|var|har|hade|gör|",
        "gjorde|er|havde|gør|gjør|hadde",
    )
)

# Words that open a short answer to the previous message.
ANSWER_OPENERS: frozenset[str] = frozenset(
    _p(
        "yes|no|yeah|yep|nope|sure|kyllä|joo|ei|juu|ja|jo|nej|nei|jep",
    )
)

# Labels that open a line like an IRC addressee but are words worth reading.
ADDRESSEE_LABELS: frozenset[str] = frozenset(
    _p(
        "error|warning|note|update|fyi|info|edit|psa|idea|question|problem|bug|issue|q|virhe|",
        "huom|huomio|ongelma|fel|obs|fråga|fejl|bemærk|feil|merk|spørsmål|suggestion|proposal|",
        "request|wish|ehdotus|kysymys|toive|pyyntö|förslag|önskemål|forslag|ønske|spørgsmål|",
        # the fields of a bug report written out: "Expected: ...", "Actual: ..."
        "expected|actual|steps|odotettu|todellinen|förväntat|faktiskt|forventet|faktisk",
    )
)

# Scandinavian words that may open a statement before a subject ("hvis du", "nu vi").
SCAND_NOT_VERBS: frozenset[str] = frozenset(
    _p(
        "hvis|om|när|når|fordi|eftersom|siden|sedan|mens|medan|innan|innen|hvor|där|der|her|",
        "här|nu|nå|då|da|så|sen|senere|senare|også|också|ellers|annars|derfor|därför|thanks|",
        "yes|as|was|is|its|this|thus|plus|us|for|or|after|never|ever|over|under|per|our|your|",
        "their|her|other|whether|either|neither|rather|later|sooner|sure|here|there|where",
    )
)
# Subjects after a fronted Scandinavian verb: "ser ni", "virker det", "får jeg".
SCAND_SUBJ: frozenset[str] = frozenset(
    _p("du|ni|dere|jeg|jag|vi|man|han|hon|hun|den|det|dom|dem|noen|nogen|någon|nån")
)

# After a sentence-first "var", words that make it the verb "was" ("var ingen bugg",
# "var inte vårt fel"), not the question word "where".
SCAND_VAR_WAS: frozenset[str] = frozenset(
    _p("ingen|inget|inga|inte|ikke|ikkje|ej|nog|bara|bare|ju|nok|også|också|egentligen")
)

# Verbs after "any"/"anyone" that make it a question: "any ladies want to chat".
ANY_VERBS: frozenset[str] = frozenset(
    _p(
        "want|wanna|know|knows|have|has|got|seen|tried|using",
        "use|else|wants|had|see|seeing|experienced|experiencing|noticed|getting|",
    )
)
