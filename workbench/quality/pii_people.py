"""PII about people in free text: person names, street addresses, dates of birth, phone numbers.

Each type offers an RE2 candidate pattern (run vectorised over every text by ``pii``) and a finder
that returns validated spans of one text (run in Python on the candidate rows only):
- names: a gazetteer of first names and surnames (``data/``: US SSA and Census, public domain;
  Wikipedia's popular names of 106 countries, CC0) with capitalisation, and context cues that name a
  person on their own ("my name is X", "Mr./Dr. X", "Dear X", a signature after "Regards,");
- addresses: house number + street-type patterns for English, German/Dutch/Nordic compounds
  ("Hauptstraße 5", "Koskikatu 25"), French, Spanish/Italian/Portuguese, and unit or PO-box lines;
- dates of birth: a date next to a birth cue ("born on", "DOB:", "geboren am", "né le"...);
- phones: a loose digit-group pattern, validated with ``phonenumbers`` (Google's libphonenumber
  metadata) for international numbers and for national numbers of common regions.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")

UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĘĚĞŁŃŇŐŒŘŚŞŠŢŤŮŰŹŻŽ"
LOW = "a-zß-öø-ÿāăąćčďđęěğłńňőœřśşšţťůűźżž"
_NAME_TOKEN = rf"[{UP}][{LOW}]+(?:[\-'’][{UP}]?[{LOW}]+)?"
_TITLES = r"Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Herr|Frau|Mme|Mlle|Sr|Sra|Srta|Dott|Sig|Sig\.ra"
_CUES = (r"(?i:my name is|my name's|i am called|call me|i'm|this is|name\W{0,3}(?:is)?|named|dear|hi|hello|"
         r"regards,|sincerely,|thanks,|cheers,|best,|signed,|signed by|by:|author:|user:|customer:|under|"
         r"je m'appelle|ich heiße|ich heisse|me llamo|mi nombre es|mi chiamo)")
_STREET_EN = (r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|"
              r"Terrace|Close|Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Row|Gardens|"
              r"Walk|Mews|Grove|Alley|Loop|Pike|Plaza|Ridge|View|Hill|Park|Estate|Green|str|Str")
_STREET_SUFFIX = (r"straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|straat|laan|plein|"
                  r"gracht|kade|singel|gatan|gata|vägen|väg|vej|gade|veien|vegen|tie|katu|kuja|polku|utca|"
                  r"ulica|ulice|cesta|vei|stræti|vegur|braut|gränd|stig|sti|vænget|odos|οδός")
_STREET_ROMANCE = (r"rue|avenue|av\.|boulevard|bd|chemin|place|allée|impasse|quai|route|cours|calle|c/|"
                   r"avenida|avda\.?|plaza|paseo|camino|carrera|carrer|rua|travessa|via|viale|piazza|corso|"
                   r"largo|vicolo")
_ADDRESS = (
    rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[{UP}][\w'’.\-]*\s+){{1,4}}(?:{_STREET_EN})\b\.?"
    rf"|\b(?:ul\.|al\.|pl\.|os\.)\s+[{UP}][{LOW}]+(?:\s+[{UP}][{LOW}]+)?\s+\d{{1,4}}[a-zA-Z]?\b"
    rf"|\b[{UP}][{LOW}]+\s+(?:u\.|utca|út|útja|tér|kapu|körút|sor)\s+\d{{1,4}}\b"
    rf"|\b[{UP}][{LOW}]+(?:{_STREET_SUFFIX})\s+\d{{1,4}}[a-zA-Z]?\b"
    rf"|\b[{UP}][{LOW}]+\s+(?:Straße|Strasse|Str\.|Weg|Gasse|Platz|Allee)\s+\d{{1,4}}[a-zA-Z]?\b"
    rf"|\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?i:{_STREET_ROMANCE})\s+(?:(?:de|du|des|la|le|les|del|de la|di|"
    rf"della|do|da|dos)\s+|[dl][’']\s?)?[{UP}][\w'’\-]+"
    rf"|\b(?i:{_STREET_ROMANCE})\s+(?:(?:de|del|de la|de los|di|della|do|da|dos)\s+)?[{UP}][\w'’\-]+"
    rf"(?:\s+[{UP}][\w'’\-]+){{0,2}},?\s*(?:n[º°o]\.?\s*)?\d{{1,4}}\b"
    r"|\b(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat)\s+#?\d{1,5}[A-Z]?\b|\bP\.?\s?O\.?\s+Box\s+\d+"
    r"|\bPSC\s+\d{3,5},?\s+Box\s+\d{3,5}"
)
_MONTHS = (r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|"
           r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|janvier|février|mars|avril|mai|juin|juillet|août|"
           r"septembre|octobre|novembre|décembre|Januar|Februar|März|Juni|Juli|Oktober|Dezember|"
           r"enero|febrero|"
           r"marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre")
_DATE = (rf"\d{{1,2}}[./\-]\d{{1,2}}[./\-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}"
         rf"|\d{{1,2}}(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?(?i:{_MONTHS})\.?,?\s+(?:de\s+)?\d{{4}}"
         rf"|(?i:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}")
_BIRTH = (r"(?i:born(?:\s+on)?|date\s+of\s+birth|\bd\.?o\.?b\b\.?|birth\s?date|birthday(?:\s+is)?|"
          r"geboren(?:\s+am)?|geburtsdatum|né(?:e)?\s+le|date\s+de\s+naissance|fecha\s+de\s+nacimiento|"
          r"nacid[oa]\s+el|data\s+di\s+nascita|nato\s+il|nata\s+il)")
DOB_PATTERN = rf"{_BIRTH}\s*[:\-]?\s*(?:on\s+|the\s+|am\s+|el\s+|le\s+|il\s+)?(?P<v>{_DATE})"
ADDRESS_PATTERN = _ADDRESS


def re2_candidate(pattern: str) -> str:
    """A looser RE2 version of a Python pattern: RE2's ``\\b`` and ``\\w`` know only ASCII, so they are
    dropped or widened (a candidate pattern may match more than the finder keeps, never less)."""
    return pattern.replace(r"\b", "").replace(r"\w", r"\pL\d_")  # every \w stands inside [...] here
NAME_CANDIDATE = (rf"[{UP}][{LOW}]+\s+[{UP}][{LOW}]+|(?:{_TITLES})\.?\s+[{UP}]|{_CUES}\s+[{UP}]"
                  rf"|[{LOW},;]\s+[{UP}][{LOW}]{{2,}}")
PHONE_PATTERN = (r"(?:\+|\b00)\d{1,3}[ .\-]?(?:\(0\)[ .\-]?)?(?:\(?\d{1,4}\)?[ .\-]?){1,5}\d{1,4}\b"
                 r"|(?:\(\d{2,5}\)|\b\d{2,5})[ .\-]?\d{2,4}(?:[ .\-]?\d{2,4}){0,3}\b")

_NAME_RE = re.compile(rf"(?<![\w@.])(?:(?P<title>(?:{_TITLES})\.?)\s+)?(?P<name>{_NAME_TOKEN}"
                      rf"(?P<initial>\s+(?:[{UP}]\.|[A-HJ-Z])(?=\s+[{UP}]))?"
                      rf"(?:[ \t]+(?:(?:van|von|de|da|del|der|di|le|la|bin|al)\s+)?{_NAME_TOKEN}){{0,2}})"
                      r"(?![\w@])")
_CUE_RE = re.compile(_CUES.replace("(?i:", "(?:") + r"\s*$", re.I)
# capitalised words that are names in the lists but usually something else in text
_STOP = frozenset("""
the a an this that these those there here it its in on at to of for from by with and or but if when
while as is are was were be been being have has had do does did will would can could should may might
must shall i you he she we they my your his her our their me him us them what which who whom whose why
how where all any some each every no not yes one two three first second new old good great best
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday spring summer autumn winter christmas easter god lord
will bill mark grace hope faith joy rose lily iris daisy ivy holly ruby pearl amber jade crystal dawn
june april summer autumn sky star sunny honey candy angel precious destiny trinity harmony melody
paris london berlin madrid rome vienna sydney florence victoria georgia virginia carolina dakota
austin dallas houston denver phoenix jordan israel china india kenya chad jersey york washington
lincoln jackson madison chelsea brooklyn aurora sierra savannah charlotte orlando tyler kent
street road avenue lane drive court way place park hill green north south east west central city
university college school hospital bank company group street inc ltd corp llc team club center
american english french german spanish italian chinese japanese russian british european african
asian indian canadian australian mexican brazilian christian muslim jewish catholic
dear hello hi thanks thank regards sincerely best cheers mr mrs ms dr prof sir madam
can did say see sun gay guy art ray love rich young king page case miles price grant port fort mount
title aunt uncle civil southern northern eastern western rue strasse straße avenue day princess prince
royal point opus crossroad turnpike rapids coves pass strada investments resources transit power data
environmental village mill cite unit box
lake river bay island islands saint st san santa los las el la le les de del united states republic
kingdom union federal national international global general royal county state province capital
""".split())
_STREET_WORDS = frozenset(w.lower() for w in _STREET_EN.split("|"))
# words that make the capitalised words around them an organisation, a work or a law, not a person
_ORG = frozenset("""
inc ltd llc co corp gmbh ag sa plc orchestra band choir club group company bank university college institute
association foundation society press records insurance health social insights tv radio news weekly times
post journal airlines airways motors systems solutions technologies software labs partners holdings
services gateway act acts rights law court council committee ministry department agency church hospital
school center centre museum theatre theater hotel restaurant cafe bar stadium airport station street
""".split())
_BREAK = _STOP | _STREET_WORDS | _ORG | {"apt", "suite", "unit", "flat"}
_INITIAL = re.compile(rf"[{UP}]\.?")
_STREET_AFTER = re.compile(r"[ \t]?(?:u\.|str\b|\d{1,5}\b)")
_NUMBER_BEFORE = re.compile(r"\d[ \t]$")
# words before a pair of capitalised words ("by Ushurma Dratchev") and after one ("X lives at")
_PAIR_CUE = re.compile(r"(?i)(?:\bby|\bproducer|\bwith|\bto|\bfrom|\bsinger|\bauthor|\bdirector|\badd|"
                       r"\bheard|\bmeet|\bmet|\btell|\btold|\bask|\basked|\bsays|\bsaid)\s+$")
_SINGLE_CUE = re.compile(r"(?i)(?:\bsays|\bsaid|\basked|\btold|\bthank you|\bthanks|\bms\.|\bmr\.|\bmrs\.|"
                         r"\bdr\.|\bname\W{0,3}(?:is)?)\s+$")
_SINGLE_AFTER = re.compile(r"\s+(?:lives|lived|is from|was from|is very|began|says|said)\b|'s\b")
_AFTER_CUE = re.compile(r"\s+(?:lives|lived|will be|said|says|explained|wrote|works|worked|had given|"
                        r"has been|"
                        r"was born|is the|was the|from [A-Z]|the \w+ writer)\b|,\s+the\s")


@lru_cache(maxsize=1)
def gazetteer() -> tuple[frozenset, frozenset]:
    """(first names, surnames) from ``data/``, as Title-case strings."""
    def read(name: str) -> frozenset:
        lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
        return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))
    return read("first_names.txt"), read("surnames.txt")


def _sentence_start(text: str, s: int) -> bool:
    before = text[:s].rstrip(" \t\"'“‘(*-")
    return not before or before[-1] in ".!?:\n"


def find_names(text: str) -> list[tuple[int, int]]:
    """Spans of person names in ``text`` (see the module docstring)."""
    first, last = gazetteer()
    out = []
    for m in _NAME_RE.finditer(text):
        s, e = m.span("name")
        # a name ends before a common word or a street or unit word ("Barbara Yudina Apt. 675")
        toks = [(t.start() + s, t.end() + s, t.group()) for t in re.finditer(r"\S+", m.group("name"))]
        keep = 1
        while keep < len(toks) and toks[keep][2].lower().rstrip(".") not in _BREAK:
            keep += 1
        after = re.match(r"\s+([\w.]+)", text[e:])
        nxt = toks[keep][2] if keep < len(toks) else (after.group(1) if after else "")
        if nxt.lower().rstrip(".,") in _ORG:
            continue
        e = toks[keep - 1][1]
        street = _STREET_AFTER.match(text[e:e + 8]) or _NUMBER_BEFORE.search(text[max(0, s - 8):s])
        words = [t for _, _, t in toks[:keep] if not _INITIAL.fullmatch(t)]  # "D." is not a word
        if not words:
            continue
        lowered = [t.lower() for t in words]
        if lowered[0] in _STOP and len(words) >= 2 and not m.group("title"):
            # "Hi Christin", "Dear Anna Berg": drop the leading common word and judge the rest
            s = toks[1][0]
            words, lowered = words[1:], lowered[1:]
        cue = bool(m.group("title")) or bool(_CUE_RE.search(text[max(0, s - 24):s]))
        cue = cue or (len(words) >= 2 and bool(_PAIR_CUE.search(text[max(0, s - 12):s])))
        cue = cue or (len(words) >= 2 and bool(_AFTER_CUE.match(text[e:e + 24])))
        known_first = words[0] in first
        known_last = words[-1] in last
        if cue or m.group("initial"):  # "Faina D. Yefremova": a middle initial marks a person
            ok = True
        elif street:  # "Joaquin Suarez 2906", "808 Kálmán Imre u. 12": a street named after someone
            ok = False
        elif lowered[0] in _STOP:
            ok = False
        elif len(words) >= 2:
            ok = ((known_first and lowered[1] not in _STOP) or known_last
                  # a pair of capitalised words with diacritics, or in mid-sentence, none of them a common
                  # word, is most often a person (organisations and places carry common words)
                  or (not any(w in _STOP for w in lowered)
                      and (not m.group("name").isascii() or not _sentence_start(text, s))))
        else:
            vocative = text[e:e + 1] == "," and _sentence_start(text, s)  # "Leif, can I ..."
            acting = bool(_SINGLE_AFTER.match(text[e:e + 20]))  # "Dexter lives on ..."
            ok = ((known_first or known_last) and (vocative or acting or not _sentence_start(text, s))
                  and len(words[0]) >= 3) or bool(_SINGLE_CUE.search(text[max(0, s - 16):s]))
        if ok:
            out.append((m.start("title") if m.group("title") else s, e))
    return out


_ADDRESS_RE = re.compile(_ADDRESS)
_DOB_RE = re.compile(DOB_PATTERN)


def find_addresses(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _ADDRESS_RE.finditer(text)]


def find_dobs(text: str) -> list[tuple[int, int]]:
    return [m.span("v") for m in _DOB_RE.finditer(text)]


_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "AT", "CH", "AU", "IN", "SE", "DK", "NO", "FI",
            "PL", "PT", "IE", "BR")


_PHONE_RE = re.compile(PHONE_PATTERN)
_PHONE_CUE = re.compile(r"(?i)(?:phone|tel\b|tel\.|mobile|cell|call|fax|whats ?app|contact|reach|ring|"
                        r"text me|"
                        r"sms|telefon|téléphone|teléfono|telefono|handy|portable|móvil|numéro|nummer)")
_US_SHAPE = re.compile(r"\(?\d{3}\)?[ .\-]\d{3}[ .\-]\d{4}$")
_DATE_SHAPE = re.compile(r"\d{4}[\-/.]\d{1,2}[\-/.]\d{1,2}|\d{1,2}[\-/.]\d{1,2}[\-/.]\d{4}")


def find_phones(text: str) -> list[tuple[int, int]]:
    """Spans of phone numbers: international numbers valid for their country; national ones valid in a
    common region *and* written as phones are (a trunk ``0`` or area code in brackets, the US
    3-3-4 shape) or next to a phone cue ("call", "tel.", "Telefon"...). A bare run of digit groups is
    too often an order, a building and house number or a date to be a phone."""
    out = []
    for m in _PHONE_RE.finditer(text):
        cand = m.group().strip()
        if _DATE_SHAPE.search(cand):
            continue
        intl = cand.startswith(("+", "00"))
        shaped = cand.startswith(("0", "(")) or bool(_US_SHAPE.match(cand))
        if intl or shaped or _PHONE_CUE.search(text[max(0, m.start() - 40):m.start()]):
            if phone_ok(cand):
                out.append(m.span())
    return out


def phone_ok(candidate: str) -> bool:
    """Whether ``candidate`` is a valid phone number: international (``+``/``00``) numbers for their
    country, national ones for any of the common regions in ``_REGIONS``."""
    import phonenumbers

    digits = re.sub(r"\D", "", candidate)
    if not 7 <= len(digits) <= 15 or re.fullmatch(r"\d{4}-\d{2}-\d{2}", candidate.strip()):
        return False
    text = candidate.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        # written with a country code, a number of the right length for that country is a phone even
        # when its range is unassigned (the fictional +1 555 numbers of examples and tests)
        try:
            return phonenumbers.is_possible_number(phonenumbers.parse(text, None))
        except phonenumbers.NumberParseException:
            return False
    for region in _REGIONS:
        try:
            num = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num):
            return True
    return False
