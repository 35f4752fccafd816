"""Phrases that say what kind of message it is, per language (en, fi, sv, da, no):
a request, a problem report, thanks or a resolution, a greeting, an announcement,
an idea; and what makes a stated need a request to the supplier.

Written like lexicon.py: lower-case, whole words, "a|b|c" entries.
"""

from __future__ import annotations

from bot.detection.lexicon import _p

# Phrases that ask for something to be done ("requests" need a reply too).
REQUEST: tuple[str, ...] = _p(
    "please|pls|plz|plox|kindly|can you|could you|would you|can u|could u|can someone|",
    "could someone|can anyone|i need|we need|i'd like|i would like|we'd like|we would like|",
    "add me|invite me|let me know|send me|give me|i want to request|requesting|need access|",
    "voisitko|voisitteko|voitteko|voisiko joku|pystyttekö|saisinko|saisimmeko|haluaisin|",
    "haluaisimme|tarvitsen|tarvitsemme|tarvitsisin|pyydän|pyytäisin|lisätkää|lisää minut|",
    "lisäisittekö|olkaa hyvä ja|ole hyvä ja|kiitos jos|laittakaa|lähettäkää|antakaa|kan ni|",
    "kan du|skulle ni kunna|skulle du kunna|kunde ni|kunde du|snälla|vänligen|jag behöver|",
    "vi behöver|lägg till mig|jag vill ha|vi vill ha|jag skulle vilja|vi skulle vilja|",
    "tacksam om|skicka|kan i|kunne i|vil i|venligst|jeg har brug for|vi har brug for|",
    "tilføj mig|jeg vil gerne|vi vil gerne|vær sød at|send mig|kan dere|kunne dere|",
    "vil dere|vennligst|jeg trenger|vi trenger|legg meg til|jeg vil gjerne|vi vil gjerne|",
    "vær så snill|vær snill å|send meg|",
    # "would be great if someone could look at it" asks a person for a task, not for a feature
    "if someone could|if somebody could|if anyone could|jos joku vois|jos joku voisi|",
    "om någon kunde|om nån kunde|hvis nogen kunne|hvis noen kunne",
)

# Phrases that report something broken; a report needs a reply even without "?".
PROBLEM: tuple[str, ...] = _p(
    "error|errors|fails|failed|failing|failure|broken|crash|crashes|crashed|crashing|",
    "doesn't work|doesnt work|does not work|don't work|not working|isn't working|",
    "stopped working|won't load|wont load|can't log in|cant login|cannot|can't access|",
    "unable to|bug|stuck|timeout|timed out|times out|is down|are down|goes down|exception|",
    "not loading|doesn't load|missing|wrong|no longer|keeps failing|throws|500|404|403|",
    "denied|not showing|disappeared|freezes|hangs|nothing happens|still fails|still broken|",
    "ei toimi|ei toimi enää|ei onnistu|virhe|virheen|virheilmoitus|virheilmoituksen|kaatuu|",
    "kaatui|rikki|jumissa|jumittaa|ongelma|ongelmia|ei näy|ei lataudu|epäonnistuu|",
    "epäonnistui|en pääse|emme pääse|en saa|ei pysty|lakannut toimimasta|bugi|puuttuu|",
    "hidas|ei aukea|ei auennut|ei mene läpi|herjaa|tökkii|fungerar inte|funkar inte|",
    "funkar ej|fungerar ej|felmeddelande|fel|kraschar|kraschade|går inte|trasig|trasigt|",
    "problem|problemet|hänger sig|laddar inte|misslyckas|misslyckades|kommer inte in|",
    "buggen|strular|syns inte|saknas|slutat fungera|kan inte|virker ikke|fungerer ikke|",
    "fejl|fejlmeddelelse|fejlen|crasher|går ned|gik ned|kan ikke|i stykker|hænger|",
    "indlæser ikke|mislykkes|kommer ikke ind|vises ikke|mangler|holdt op med at virke|",
    "funker ikke|feil|feilmelding|feilen|krasjer|krasjet|ødelagt|henger|laster ikke|",
    "slutta å virke|sluttet å virke",
)

THANKS: tuple[str, ...] = _p(
    "thanks|thank you|thankyou|thx|thnx|tnx|ty|tyvm|cheers|appreciated|much appreciated|",
    "many thanks|kiitos|kiitti|kiitoksia|kiitokset|kitos|kiitosta|kiitän|tack|tackar|",
    "tusen tack|tack så mycket|stort tack|tak|mange tak|tusind tak|takker|takk|tusen takk|",
    "mange takk",
)

# Customer signals that the problem is gone: candidates to resolve the question.
RESOLVED: tuple[str, ...] = _p(
    "that fixed it|fixed it|it works now|works now|working now|all good|solved|resolved|",
    "got it working|problem solved|that did it|that did the trick|figured it out|",
    "never mind|nevermind|nvm|sorted|it's fixed|its fixed|toimii nyt|nyt toimii|",
    "nyt se toimii|ratkesi|korjaantui|auttoi|onnistui|selvisi|homma hoidossa|nyt pelittää|",
    "toimii taas|det löste sig|funkar nu|fungerar nu|nu funkar det|nu fungerar det|löst|",
    "det hjälpte|löste problemet|det fungerar igen|det virker nu|virker nu|nu virker det|",
    "løst|det hjalp|det løste det|det løste problemet|funker nå|virker nå|det virker nå|",
    "nå virker det|det løste seg|fungerer nå|fungerer nu|works again|working again|",
    "is back up|is back online|back up and running|back to normal|fine now|toimii taas nyt|",
    "fungerar igen|funkar igen|virker igen|",
    "fungerer igjen|funker igjen|runs again|running again|works fine now|works perfectly|",
    "works like a charm|like a charm|all good now|all fixed|loads fine|loads normally|",
    "coming through again|arriving again|you can close this|you can close it|",
    "you can close the ticket|feel free to close|kaikki kunnossa|voitte sulkea|",
    "latautuu normaalisti|toimii normaalisti|tulee taas perille|menee taas läpi|allt ok|",
    "allt är ok|laddar som vanligt|laddar den som vanligt|laddar normalt|ni kan stänga|",
    "kommer fram igen|alt ok|alt er ok|alt i orden|i må gerne lukke|i kan lukke|",
    "loader normalt|loader den normalt|kommer igennem igen|kører igen|virker igjen|",
    "dere kan lukke|laster normalt|laster den normalt|kommer gjennom igjen|kjører igjen|",
    # a build or a process that passes again, an error that is gone
    "did the trick|that was it|fixes it|fixes the|fixed the|all green|green now|green again|",
    "passes now|passing now|pass again|passes again|passing again|worked|worked fine|",
    "worked perfectly|worked great|went away|",
    # after a long answer: the fault is gone, or the answer was what was missing
    "errors are gone|error is gone|issue is gone|problem is gone|can log in now|",
    "can login now|exactly what we needed|exactly what i needed|tulee nyt oikein|",
    "goes away|gone away",
)

# A customer passing on what they found to other customers ("for anyone else hitting
# this: ...", "pinning to 2.2.4 works around it"): a tip, not a report to the supplier.
SHARE: tuple[str, ...] = _p(
    "for anyone else|for anybody else|in case it helps|in case anyone else|",
    "if it helps anyone|pro tip|protip|today i learned|works around|worked around|",
    "for future reference|for anyone curious",
)

# A whole line that only nudges the writer's open question ("bump", "any news?").
NUDGES: frozenset[tuple[str, ...]] = frozenset(
    tuple(p.split())
    for p in _p(
        "bump|bumping|bump this|bumping this|bump on this|friendly bump|gentle bump|any news|",
        "any progress|any news on this|any progress on this|nostan|nostetaan|bumpar",
    )
)

# Resolution words that resolve only where their segment ends: "the replay worked," and
# "that worked" say it is solved; "it worked for a while", "I worked at IBM" do not.
RESOLVED_AT_END: frozenset[str] = frozenset(_p("worked"))

# After a thanks these mean the customer is still working on it.
DEFER: tuple[str, ...] = _p(
    "i'll try|ill try|will try|i will try|let you know|will check|i'll check|but|still|",
    "however|kokeilen|katson|testaan|mutta|silti|vieläkin|jag testar|jag provar|men|",
    "fortfarande|jeg prøver|jeg tester|stadig|fortsatt|likevel",
)

GREETING: tuple[str, ...] = _p(
    "hi|hello|hey|heya|hiya|howdy|yo|good morning|morning|good afternoon|good evening|",
    "greetings|hi all|hello all|hi everyone|hey all|hey everyone|sup|moi|moikka|moro|hei|",
    "heippa|terve|huomenta|hyvää huomenta|päivää|hyvää päivää|iltaa|moikka kaikki|",
    "hei kaikki|hej|hejsan|tjena|tjabba|god morgon|hallå|morrn|hej allihop|goddag|",
    "godmorgen|hejsa|davs|halløj|hej alle|hallo|god morgen|heisann|morn|hei alle",
)

ANNOUNCE: tuple[str, ...] = _p(
    "fyi|heads up|heads-up|announcement|reminder|scheduled maintenance|maintenance window|",
    "we have released|we released|we've released|is now live|now available|release notes|",
    "changelog|new version|we are happy to announce|we're happy to announce|downtime|",
    "will be unavailable|psa|tiedoksi|huomio|huoltokatko|julkaisimme|uusi versio|muistutus|",
    "on nyt saatavilla|tiedote|päivitys julkaistu|info|observera|planerat underhåll|",
    "vi har släppt|ny version|påminnelse|finns nu tillgänglig|driftstörning|bemærk|",
    "planlagt vedligeholdelse|vi har udgivet|påmindelse|er nu tilgængelig|merk|",
    "planlagt vedlikehold|vi har lansert|ny versjon|er nå tilgjengelig",
)

IDEA: tuple[str, ...] = _p(
    "it would be nice|it would be great|would be nice if|would be great if|would be cool|",
    "feature request|suggestion|feature idea|an idea for|i have an idea|i wish|would love|",
    "nice to have|it'd be nice|",
    "it'd be great|consider adding|olisi kiva|olisi hienoa|olisi hyvä|ehdotus|toive|",
    "toivoisin|olisi kätevää|det vore bra|det vore kul|det vore smidigt|förslag|önskemål|",
    "skulle vara bra|skulle vara kul|önskar|det ville være godt|det ville være fedt|",
    "det ville være rart|forslag|ønske|kunne være fedt|det hadde vært fint|",
    "det hadde vært fint om|det ville vært fint|hadde vært kjekt|hadde vært fint|",
    "ville vært fint|hadde vært kult|ville vært kult",
)

HELP: tuple[str, ...] = _p(
    "help|apua|apuja|hjälp|hjelp|hjælp|halp",
)

# Problem phrases that alone mark a support problem report; the rest of PROBLEM
# ("problem", "wrong", "cannot") is too common in plain talk and only feeds the model.
PROBLEM_STRONG: frozenset[str] = frozenset(
    _p(
        "401|429|502|503|504|shows the wrong|showing the wrong|visar fel|viser feil|",
        "viser forkerte|viser den forkerte|näyttää väärää|näkyy väärä|slutade fungera|",
        "lakkasi toimimasta|lakkasivat toimimasta|fejlede|fejler|feilet|feiler|failed again|",
        "403|404|500|is broken|are broken|it's broken|its broken|seems broken|looks broken|",
        "broken again|got broken|can't access|can't log in|cant login|crash|crashed|",
        "crasher|crashes|",
        "crashing|does not work|doesn't load|doesn't work|doesnt work|ei aukea|ei lataudu|",
        "ei näy|ei onnistu|ei toimi|ei toimi enää|emme pääse|en pääse|epäonnistui|epäonnistuu|",
        "error|errors|exception|failed|failing|fails|feilmelding|fejlmeddelelse|felmeddelande|",
        "freezes|fungerar ej|fungerar inte|fungerer ikke|funkar ej|funkar inte|funker ikke|",
        "gik ned|herjaa|holdt op med at virke|hänger sig|i stykker|indlæser ikke|is down|",
        "isn't working|jumissa|jumittaa|kaatui|kaatuu|keeps failing|kommer ikke ind|",
        "kommer inte in|kraschade|kraschar|krasjer|krasjet|laddar inte|lakannut toimimasta|",
        "laster ikke|misslyckades|misslyckas|not loading|not showing|not working|rikki|",
        "laddas inte|loader ikke|loades ikke|indlæses ikke|lastes ikke|",
        "slutat fungera|slutta å virke|sluttet å virke|still broken|still fails|",
        "stopped working|syns inte|timed out|timeout|times out|trasig|trasigt|tökkii|virhe|",
        "virheen|virheilmoituksen|virheilmoitus|virker ikke|vises ikke|won't load|wont load|",
        "charged twice|charged us twice|billed twice|double charged|double-charged|overcharged|",
        "laskutettiin kahdesti|debiterade dubbelt|dobbeltopkrævet|trukket dobbelt|",
        # what a developer pastes from a failing process: words of error output, not of talk
        "econnreset|econnrefused|etimedout|eacces|enoent|eaddrinuse|epipe|oomkilled|",
        "oom killed|out of memory|segfault|segfaults|segmentation fault|sigsegv|sigkill|",
        "traceback|stack trace|stacktrace|exit code|exited with|core dumped|null pointer|",
        "nullpointerexception|connection refused|",
        "connection reset|bad gateway|gateway timeout|service unavailable|",
        "internal server error|memory leak|leaks memory|leaking memory|repro|",
        "steps to reproduce",
    )
)

# People whose "not working" means a job, not a failure ("my husband isn't working").
PEOPLE: frozenset[str] = frozenset(
    _p(
        "i|i'm|im|he|she|he's|she's|wife|husband|mom|dad|mother|father|son|daughter|",
        "brother|sister|friend|boyfriend|girlfriend|kids|parents",
    )
)

# Request phrases that ask only when what follows is not an infinitive
# ("I need access" asks; "I need to sleep" does not).
REQUEST_WEAK: frozenset[str] = frozenset(
    _p(
        "give me|haluaisimme|haluaisin|i need|i would like|i'd like|jag behöver|",
        "jag skulle vilja|jag vill ha|jeg har brug for|jeg trenger|jeg vil gerne|",
        "jeg vil gjerne|let me know|send me|send meg|send mig|skicka|tarvitsemme|tarvitsen|",
        "tarvitsisin|vi behöver|vi har brug for|vi skulle vilja|vi trenger|vi vil gerne|",
        "vi vil gjerne|vi vill ha|we need|we would like|we'd like",
    )
)

# Of REQUEST_WEAK, the phrases that only state a need or a wish: they make a
# request when what is needed is something a supplier gives ("we need access
# to staging", "I'd like a refund"), not "i need a coffee".
REQUEST_WANTS: frozenset[str] = frozenset(
    _p(
        "haluaisimme|haluaisin|i need|i would like|i'd like|jag behöver|jag skulle vilja|",
        "jag vill ha|jeg har brug for|jeg trenger|jeg vil gerne|jeg vil gjerne|tarvitsemme|",
        "tarvitsen|tarvitsisin|vi behöver|vi har brug for|vi skulle vilja|vi trenger|",
        "vi vil gerne|vi vil gjerne|vi vill ha|we need|we would like|we'd like",
    )
)

# What a customer asks a supplier for, as whole English words ...
SUPPORT_OBJECTS: frozenset[str] = frozenset(
    _p(
        "access|account|accounts|admin|answer|api|assistance|backup|call|callback|",
        "certificate|confirmation|contact|contract|copy|credentials|data|demo|details|",
        "discount|docs|documentation|downgrade|dpa|estimate|eta|export|extension|feature|",
        "file|files|fix|help|info|information|integration|invitation|invite|invoice|",
        "invoices|key|keys|licence|licences|license|licenses|link|login|option|password|",
        "permission|permissions|plan|price|pricing|quote|receipt|refund|report|reset|",
        "rights|role|roles|seat|seats|setting|settings|someone|somebody|status|support|",
        "token|trial|update|upgrade|user|users|workaround|hand|limit|limits|quota|quotas",
    )
)

# ... and as stems of Finnish and Scandinavian words, which inflect.
SUPPORT_OBJECT_STEMS: tuple[str, ...] = _p(
    "pääsy|apu|lasku|hyvity|lisenssi|tunnu|käyttöoikeu|oikeu|kopio|avai|salasan|tili|",
    "raport|tarjou|kuitti|päivity|adgang|tilgang|tillgång|hjälp|hjælp|hjelp|faktur|",
    "refusion|återbetal|refusjon|licens|lisens|nøgle|nyckel|nøkkel|konto|kopi|rapport|",
    "tilbud|offert|kvitt|adgangskode|lösenord|passord|rettighed|rättighet|rettighet|",
    "behörighet|tilladelse|tillatelse|support|demo|admin|api|plats|plads|plass|paikk|",
    "lisäpaik|hånd",
)

# Request phrases that ask only when they open a sentence or clause: "can you add
# me" asks, "what can you do" and "oh please" do not.
REQUEST_LEAD_ONLY: frozenset[str] = frozenset(
    _p(
        "please|pls|plz|plox|kindly|can you|could you|would you|can u|could u|can someone|",
        "could someone|can anyone|kan ni|kan du|kunde ni|kunde du|kan i|kunne i|vil i|",
        "kan dere|kunne dere|vil dere|snälla|vänligen|venligst|vennligst",
    )
)

INFINITIVE_MARKS: frozenset[str] = frozenset(
    _p(
        "at|att|to|å",
    )
)

# Verbs that open a request when a customer writes them first ("add me", "lägg till").
REQUEST_VERBS: frozenset[str] = frozenset(
    _p(
        "add|remove|enable|disable|delete|cancel|reset|invite|extend|increase|upgrade|",
        "downgrade|refund|unlock|grant|create|revoke|lägg|skicka|aktivera|radera|ändra|ta bort|",
        "makulera|förläng|höj|legg|tilføj|fjern|slett|slet|aktiver|annuller|kanseller|forleng|",
        "forlæng|hæv|øk|skru på|slå på|send|deactivate|spärra|spärr|stäng|deaktivera|",
        "inaktivera|sperr|sperre|steng|deaktiver|spær|luk",
    )
)
