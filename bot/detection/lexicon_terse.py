"""Phrases for terse support lines and replies after an answer, per language (en,
fi, sv, da, no): symptoms and product words, preambles, assumptions, stated needs,
and what undoes a resolution (negation, "but", "still"), what owns the cause.

Written like lexicon.py: lower-case, whole words, "a|b|c" entries.
"""

from __future__ import annotations

from bot.detection.lexicon import _p

# --- Terse support lines (issue #6): no "?", no problem keyword, still need a reply.
# None of these fire alone: each needs a word naming something the supplier runs
# (TOPIC_*), so "slow day here lol" and "sorry, wrong channel" stay chatter.

# Symptoms that make a problem report together with a product word: slow, empty,
# stuck, looping, missing, not received, wrong numbers, stopped, since an update.
SYMPTOMS: tuple[str, ...] = _p(
    "slow|super slow|so slow|really slow|too slow|sluggish|empty|blank|zero rows|no rows|",
    "no data|stuck|hanging|spins|just spins|spinning|loading forever|timing out|loop|looping|",
    "in circles|round in circles|never came|never arrived|never showed up|didn't arrive|",
    "didn't come|didn't go out|didn't send|didn't run|not arriving|not coming through|",
    "not here|still not|still no|still nothing|still waiting|not received|haven't received|",
    "missing|still missing|gone|disappeared|vanished|don't match|doesn't match|not matching|",
    "seems off|looks off|look off|is off|are off|been off|looks wrong|look wrong|",
    "looks weird|look weird|incorrect|returns nothing|shows nothing|nothing shows up|",
    "not accepted|rejected|",
    "logs me out|logging me out|kicks me out|stopped|not syncing|not updating|",
    "since the update|after the update|since the last update|",
    "never arrives|doesn't arrive|does not arrive|isn't arriving|duplicate|duplicates|",
    "duplicated|twice|doubled|can't see|cannot see|can not see|kan inte se|kan ikke se|",
    "kan ikkje se|en näe|emme näe|ei näe|dubbla|dubbletter|dobbelt|dobbelte|duplikaatteja|",
    "after the last update|after the maintenance|since the maintenance|",
    "hidas|tosi hidas|hitaasti|tyhjä|tyhjiä|tyhjää|tyhjänä|puuttuu|saknas|mangler|",
    "nolla riviä|jää lataamaan|jää latailemaan|pyörii|pyörii kehää|aikakatkaisu|",
    "aikakatkaisuun|aikakatkaisuja|ei tullut|ei oo tullut|ei ole tullut|ei tullu|",
    "ei oo tulleet|ei ole tulleet|vieläkään|",
    "ei kuulu|puuttuvat|kadonnut|kadonneet|hävinnyt|hävisi|ei täsmää|väärin|väärä|vääriä|",
    "oudoilta|oudolta|pielessä|ei löydä|ei kelpaa|ei hyväksy|heittää ulos|lakkas|",
    "ei lähtenyt|ei päivity|tuplana|latailee|latailemaan|jää jumiin|ei koskaan tullut|",
    "hänger|hænger|henger|päivityksen jälkeen|huoltokatkon jälkeen|",
    "seg|segt|sega|långsam|långsamt|jätteseg|jättelångsam|jättelångsamt|tom|tomt|tomma|",
    "noll rader|står och laddar|snurrar|går i loop|i loop|har inte kommit|kom aldrig|",
    "fick aldrig|fortfarande inte|fortfarande ingen|fortfarande inget|fortfarande inga|",
    "försvunnit|försvann|stämmer inte|ser fel ut|ser konstiga ut|ser skumma ut|krånglar|",
    "krånglat|strulat|hittar inga|godkänns inte|loggar ut mig|slutade|har slutat|",
    "gick inte ut|avbryts|uppdateras inte|synkar inte|dubbeldebiterade|",
    "sen uppdateringen|sedan uppdateringen|efter uppdateringen|efter underhållet|",
    "langsom|langsomt|sløv|sløvt|tomme|nul rækker|snurrer|kører i ring|i ring|timer ud|",
    "er ikke kommet|ikke kommet|kom aldrig|fik aldrig|stadig ikke|stadig ingen|forsvundet|",
    "passer ikke|ser forkerte ud|ser forkert ud|forkert|forkerte|ser mærkelige ud|driller|",
    "drillet|finder ingen|bliver ikke godkendt|logger mig ud|stoppede|stopper|",
    "blev ikke sendt|opdaterer ikke|siden opdateringen|efter opdateringen|",
    "efter vedligeholdelsen|treg|tregt|kjempetreg|kjempetregt|null rader|spinner|",
    "går i ring|får timeout|har ikke kommet|kom aldri|fikk aldri|fortsatt ikke|",
    "fortsatt ingen|forsvunnet|stemmer ikke|ser feil ut|ser rare ut|har vært rar|tuller|",
    "finner ingen|blir ikke godtatt|logger meg ut|stoppet|sluttet|ble ikke sendt|",
    "oppdateres ikke|siden oppdateringen|etter oppdateringen|etter vedlikeholdet|",
    # a control that does nothing, a thing not found or not shown, a leak, an error ...
    "greyed out|grayed out|doesn't do anything|does not do anything|does nothing|time out|",
    "to spam|in spam|into spam|in the spam|expired|keeps expiring|don't see|dont see|",
    "do not see|can't find|cant find|cannot find|doesn't find|does not find|finds nothing|",
    "sends me back|kicks me back|throws me back|leaked|en löydä|emme löydä|",
    "väärään|väärässä|väärällä|väärät|kahteen kertaan|kahdesti|kaks kertaa|kaksi kertaa|",
    "heittää|heittelee|vuoti|vuotanut|roskapostiin|ser inte|hittar inte|hittar inget|",
    "hittar ingenting|kan inte hitta|två gånger|dubbelt|fel|jättesegt|supersegt|",
    "inte funkat|inte fungerat|skickar mig tillbaka|skickar tillbaka|läckt|läckte|",
    "skräppost|ser ikke|finder ikke|kan ikke finde|to gange|ikke kørt|ikke virket|",
    "ikke fungeret|sender mig tilbage|sender mig bare tilbage|lækket|lækkede|",
    "fejl|finner ikke|to ganger|feil|treig|treigt|ikke gått|ikke kjørt|",
    "ikke fungert|ikke funket|sender meg tilbake|sender meg bare tilbake|lekket|",
    "søppelpost|",
    # developer tools: a process that hangs, restarts or is killed, a regression after an
    # upgrade, a value the docs or a header promise and the product breaks
    "hangs|just hangs|hangs forever|won't start|wont start|doesn't start|fails to start|",
    "breaks on|breaks with|breaks after|broke after|broke with|lagging|lags|slower|",
    "way slower|much slower|spike|spikes|",
    "spiking|spiked|ignores|ignored|outdated|out of date|not found|in plain text|",
    "in plaintext|in cleartext|in progress for|still in progress|been in progress|",
    "still pending|has the wrong|have the wrong|uses the wrong|gives the wrong|",
    "returns the wrong|points to the wrong|gets killed|got killed|getting killed|",
    "keeps restarting|keeps growing|after upgrading|since upgrading|since we upgraded|",
    "after we upgraded|after the upgrade|since the upgrade|since we bumped|after bumping|",
    "three times|3 times|multiple times|0 rows|0 results|can't connect|cannot connect|",
    "cant connect|unable to connect|can't reach|cannot reach|too many connections",
)

# Verbs by which a doc, a header or a tool reports a value; with "but" after them on a
# product line, the product breaks what it promised ("the docs say seconds but it's ms").
REPORTS: frozenset[str] = frozenset(
    _p(
        "says|say|said|shows|show|showed|prints|print|printed|returns|return|claims|",
        "states|säger|sier|siger|sanoo|visar|viser",
    )
)
# ... and the "but" that follows them (CONTRAST holds Swedish "fast", an English word too).
REPORT_BUT: frozenset[str] = frozenset(_p("but|however|mutta|mut|men"))

# Parts of words that name a symptom inside a compound ("kirjautumissilmukka").
SYMPTOM_PARTS: tuple[str, ...] = _p("silmuk|aikakatkais|timeout")

# Something the supplier runs, as whole words. Words of plain talk too ("page",
# "numbers", "account": a phone call about taxes) are TOPIC_WEAK: they make a
# symptom a problem report but not a statement a question to the supplier.
TOPIC_WORDS: frozenset[str] = frozenset(
    _p(
        "export|exports|import|imports|sync|syncing|invoice|invoices|billing|api|apis|",
        "token|tokens|header|login|logins|sso|saml|mfa|dashboard|dashboards|webhook|",
        "webhooks|licence|license|licenses|seat|seats|workspace|workspaces|admin|admins|",
        "timezone|integration|integrations|connector|connectors|csv|pdf|endpoint|endpoints|",
        "redirect|oauth|sandbox|ratelimit|ratelimits|sso:ta|haku|tili|tiliä|koodit|sovellus|",
        "sidan|siden|søket|sökningen|søgningen|appen|tikettejä|ärenden|app|apps|report|reports|",
        # a developer tool's parts
        "sdk|sdks|cli|npm|pip|docker|kubernetes|k8s|pod|pods|cluster|clusters|replica|",
        "replicas|db|database|databases|deploy|deploys|deployment|deployments|pipeline|",
        "ci|runner|runners|latency|upsert|migration|migrations|webhooks",
    )
)
TOPIC_WEAK: frozenset[str] = frozenset(
    _p(
        "search|account|project|projects|user|users|password|email|emails|log|logs|chart|",
        "charts|graph|graphs|page|calendar|retention|backup|backups|ticket|tickets|member|",
        "members|code|codes|upload|uploads|download|downloads|notifications|permissions|",
        "subscription|refund|receipt|numbers|totals|mobile|sivu|sivut|sager|saker|konto|",
        "session|sessions|checkbox|editor|formatting|charged|billed|trukket|",
        "belastet|notification|client|build|builds|server|servers|",
        "query|queries|rows|memory|cpu|docs|documentation|package|packages|config|",
        "image|container|containers|worker|workers|agent|",
        "headers|function|functions|restore",
    )
)
TOPIC_WEAK_STEMS: tuple[str, ...] = _p(
    "graf|kaavio|projekt|prosjekt|kalender|konto|notifika|notis|ilmoitu|varsl|bilag|",
    "vedhæft|vedlegg|liite|veloit|debiter",
)
# Word pairs that name one ("rate limits", "audit log").
TOPIC_PAIRS: frozenset[tuple[str, str]] = frozenset(
    (a, b)
    for a, _, b in (
        p.partition(" ") for p in _p("rate limit|rate limits|audit log|data retention|free plan")
    )
)

# ... as the start of inflected Nordic words (vienti, viennit, exporten, fakturan) ...
TOPIC_STEMS: tuple[str, ...] = _p(
    "export|eksport|importen|importer|importfil|rapport|raport|synk|faktur|lasku|api|",
    "webhook|inlogg|innlogg|kirjau|dashboard|dashbord|hallintapaneel|vienti|vienni|tuonti|",
    "tuonni|koodi|tili|lisenssi|licens|lisens|käyttäjä|användar|bruger|bruker|salasan|",
    "lösenord|adgangskod|passord|kaavio|tunnist|mobilapp|sovellu|projekti|",
    "arbetsyt|arbeidsområd|työtila|workspace|kalenteri|medlem|jäsen|sso|saml|csv|",
    "mejl|meili|e-post|datalagr|dataopbevar|säilytys|revisjonslogg|granskningslogg|",
    "tidszon|tidssone|aikavyöhyk|integrat|integras|liittymä|koppling|",
    "kutsuraj|faktor|webhookk|salesforce|token",
)

# ... and as parts of compounds ("veckorapporten", "kalendersynken", "bekræftelsesmail").
TOPIC_PARTS: tuple[str, ...] = _p(
    "rapport|raport|synk|faktur|sovellus|mobiili|faktor|mejl|meili|medlems|jäsenlist|",
    "lösenord|salasan|adgangskod|passord|bekräftelse|bekræftelse|bekreftelse|webhook|",
    "dashboard|dashbord|tunnistu|eksport|export|inlogg|innlogg|kirjautu",
)

# Openings that announce a question to come: "question about billing", "fråga om ...".
PREAMBLE: tuple[str, ...] = _p(
    "quick question|quick q|question about|question on|question regarding|question re|",
    "a question about|a question on|quick question about|quick question on|quick one about|",
    "quick one on|",
    "quick q about|got a question about|got a question on|have a question about|",
    "one more thing about|another thing about|another question about|one more question about|",
    "kysymys|nopea kysymys|yks kysymys|yksi kysymys|pieni kysymys|kysyttävää|",
    "vielä yksi juttu|vielä yks juttu|yksi juttu|yks juttu|",
    "fråga om|en fråga om|fråga angående|en fråga angående|snabb fråga|har en fråga|",
    "en sak till om|en grej till om|spørgsmål om|et spørgsmål om|spørgsmål til|",
    "et spørgsmål til|spørgsmål vedrørende|et spørgsmål vedrørende|hurtigt spørgsmål|",
    "har et spørgsmål|en ting mere om|spørsmål om|et spørsmål om|spørsmål angående|",
    "et spørsmål angående|kjapt spørsmål|har et spørsmål|en ting til om",
)

# Words that turn a statement about the product into a check with the supplier:
# "you support sso then", "te tuette varmaan", "ni har stöd antar jag", "dere støtter vel".
ASSUME: tuple[str, ...] = _p(
    "i assume|i take it|presumably|i suppose|oletan|oletan että|oletettavasti|",
    "varmaan|kai|siis|sit|antar jag|jag antar|alltså|förmodar|går ud fra|",
    "jeg går ud fra|vel|altså|formoder|antar|jeg antar|regner med",
)

# Before a resolution phrase, these say it did not happen ("still not fixed", "inte löst").
NEGATIONS: frozenset[str] = frozenset(
    _p("not|no|never|nothing|nope|ei|eikä|eivät|en|inte|ej|aldrig|ikke|ikkje|aldri|nåt")
)

# Nordic negation follows the verb: "det hjalp ikke", "det löste sig inte".
NEGATIONS_AFTER: frozenset[str] = frozenset(_p("inte|ej|ikke|ikkje|aldrig|aldri"))

# A resolution followed by these leaves part of the problem open ("works now but ...").
CONTRAST: frozenset[str] = frozenset(
    _p("but|except|although|though|however|mutta|paitsi|vaikka|men|förutom|fast|undtagen|unntatt")
)

# After a resolution these say part of the problem is left ("works now, still slow on mobile").
STILL: frozenset[str] = frozenset(
    _p("still|edelleen|vieläkin|yhä|fortfarande|fortsatt|stadig|stadigvæk|fremdeles")
)

# The writer owns the cause ("my bad", "on our end"): a remark, not a report to the supplier.
OWN_FAULT: tuple[str, ...] = _p(
    "my bad|our bad|my fault|our fault|my mistake|our mistake|on our end|on our side|",
    "user error|minun moka|meidän moka|mun moka|meidän päässä|meidän puolella|mitt fel|",
    "vårt fel|vårt misstag|på vår sida|min fejl|vores fejl|på vores side|min feil|vår feil|",
    "på vår side",
)

# First person right after "so": the writer tells what they did ("so we rolled out sso").
FIRST_PERSON: frozenset[str] = frozenset(
    _p(
        "i|i'm|i've|i'll|im|we|we're|we've|we'll|our|my|me|minä|mä|me|meillä|mulla|jag|vi|",
        "jeg|vår|vårt|våra|vores|min|mitt|mine",
    )
)

# ... unless they check a step with the supplier ("so we just re-run the import").
CHECK_WORDS: frozenset[str] = frozenset(
    _p(
        "just|only|need|needs|have|should|can|must|bara|bare|vain|vaan|pitää|täytyy|ska|",
        "skal|må|måste|behöver|trenger|skulle",
    )
)

# Praise addressed to the supplier ("you guys rock") is no claim to confirm.
PRAISE: frozenset[str] = frozenset(
    _p(
        "rock|rocks|rule|awesome|amazing|great|best|legends|heroes|nailed|brilliant|",
        "mahtavia|huippuja|parhaita|bäst|grymma|fantastiska|fantastiske|seje|bedst|rå|best",
    )
)

# Sentence openings that present a conclusion to be confirmed ("so the key goes ...").
ASSUME_LEADS: frozenset[str] = frozenset(_p("so|eli|elikkä|så"))

# The supplier addressed as the subject ("you guys support sso", "ni fakturerar ...").
YOU_LEADS: frozenset[str] = frozenset(_p("you|u|y'all|te|ni|dere|jeres|teillä"))

# Stated needs in the conditional or without a subject ("would need", "could use",
# "need someone to"); they request only what a supplier gives (SUPPORT_OBJECTS).
NEEDS: tuple[str, ...] = _p(
    "need|needs|would need|we'd need|we would need|i'd need|i would need|would appreciate|",
    "we'd appreciate|i'd appreciate|could use|could really use|we could use|i could use|",
    "tarvittais|tarvittaisiin|tarvitaan|kaipaisin|kaipailisin|kaipaisimme|joku vois|",
    "joku voisi|skulle behöva|vi skulle behöva|jag skulle behöva|behöver|tar gärna emot|",
    "någon behöver|någon får gärna|skal have|vi skal have|jeg skal have|vi mangler|",
    "vil gerne have|kunne godt bruge|kunne bruge|der skal lige nogen|nogen skal|nogen må|",
    "trenger|kunne trengt|kunne trenge|hadde satt pris på|setter pris på|noen må|",
    "tarttisin|tarttis|tarttisimme|tartteis|tarvis|tarvittis",
)

# Needs that come after what is needed ("lasku pitäis saada", "apu olis tervetullutta").
NEEDS_AFTER: frozenset[str] = frozenset(
    _p("pitäis saada|pitäisi saada|olis tervetullutta|olisi tervetullutta")
)

# Scandinavian verbs that a customer uses without a subject to say they will do
# something ("ok testar det", "prøver det"): verb + "det" is then no question.
SCAND_DO_VERBS: frozenset[str] = frozenset(
    _p(
        "testar|tester|provar|prøver|fixar|fikser|fixer|kollar|tjekker|sjekker|kör|kører|",
        "kjører|gör|gør|gjør|tar|skickar|sender|ordnar|ordner",
    )
)
