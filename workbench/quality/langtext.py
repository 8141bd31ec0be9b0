"""Text preparation for language identification, all vectorised with Arrow (RE2, threaded).

Why: an identifier given "1. Java 2. Python", a list of names, a code block or "15% of 500 is 75."
answers *something* (de, it, sn, la...) with fair confidence. Real instruction data is full of such
texts, so before identification we
- strip fenced and inline code, URLs, e-mail addresses, hex colours and code-looking lines
  (``strip_non_language``), and
- measure the *linguistic content*: letters in segments that read like a phrase (four or more words
  between line breaks and list separators; CJK characters count three letters each, as one carries
  about a word) (``content_letters``). Below ~20 such letters a text is "und".
It also holds the vocabulary of language-related requests: translation requests in several languages
(``TRANSLATION_PATTERN``) and language names (``mentions_language``), which excuse a response whose
language differs from the prompt's.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.quality import textops

_STRIP = (
    r"(?s)```.*?(?:```|$)"  # fenced code (an unclosed fence runs to the end of the text)
    r"|`[^`\n]{1,200}`"  # inline code
    r"|(?i:\b(?:https?|ftp)://\S+|\bwww\.\S+)"  # URLs
    r"|\S+@\S+\.\w+"  # e-mail addresses
    r"|#[0-9A-Fa-f]{3,8}\b"  # hex colours
    r"|&[a-z]+;|<[^>\n]{1,80}>"  # HTML entities and tags
)
# a line with several of these, or one that starts like a statement of a programming language, is code
_CODE_CHARS = r"[{}\[\]();=<>_\\$|]"
_CODE_START = (r"^\s*(?:def |class |import |from \S+ import|return\b|elif |else:|try:|except|#include|"
               r"public |private |static |var |let |const |function\b|console\.|print\(|SELECT |select |"
               r"for \w+ in |for ?\(|while ?\(|if ?\(|\}|\{|//|/\*|\*/|<\?|\$ |>>> |    |\t)"
               r"|\)\s*:\s*(?:#.*)?$")
_CJK_CLASS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}"
_CJK = f"[{_CJK_CLASS}]"
_SEGMENT_SPLIT = r"[,;:|\t、，；：]|\s-\s|\s\d+[.)]\s"


def strip_non_language(texts, max_chars: int | None = None) -> pa.Array:
    """``texts`` without code, URLs, e-mail addresses, colours, markup and code-looking lines.

    Parameters
    ----------
    texts : str list or pyarrow string Array
    max_chars : int, optional
        Only the first ``max_chars`` characters are kept (before stripping), which bounds the work
        on very long texts; identification examines a shorter prefix anyway.
    """
    arr = textops.as_strings(texts)
    if max_chars:
        arr = pc.utf8_slice_codeunits(arr, 0, max_chars)
    arr = textops.parallel(lambda a: pc.replace_substring_regex(a, _STRIP, " "), arr)
    # only texts that can hold a code line go through the per-line pass (most prose does not)
    # (brackets alone do not qualify a row: prose has them, and a code line has other marks too)
    rows = np.flatnonzero(textops.regex_match(arr, r"(?m)[{};=<>\\$|_]|" + _CODE_START))
    if not len(rows):
        return arr
    sub = arr.take(pa.array(rows, pa.int64()))
    lines = pc.split_pattern(sub, "\n")
    flat = pc.list_flatten(lines)
    codeish = textops.regex_count(flat, _CODE_CHARS)
    is_code = (((codeish >= 3) & (codeish * 6 >= letter_counts(flat)))
               | textops.regex_match(flat, _CODE_START))
    kept = pc.if_else(pa.array(is_code), "", flat)
    offsets = pc.subtract(lines.offsets, lines.offsets[0])
    rebuilt = pc.binary_join(pa.ListArray.from_arrays(offsets, kept), "\n")
    mask = np.zeros(len(arr), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(arr, pa.array(mask), rebuilt)


def letter_counts(values, cls: str = r"\pL") -> np.ndarray:
    """Characters of the class ``cls`` (RE2 bracket-class body) per string: the runs of other
    characters are deleted and the rest measured (one regex match per run, not one per letter)."""
    return letters_and_words(values, cls)[0]


def letters_and_words(values, cls: str = r"\pL") -> tuple[np.ndarray, np.ndarray]:
    """(characters of the class ``cls``, runs of them) per string, from one regex pass."""
    arr = textops.as_strings(values)
    if not len(arr):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    def spaced(a: pa.Array) -> pa.Array:
        return pc.utf8_trim(pc.replace_substring_regex(a, f"[^{cls}]+", " "), " ")

    runs = textops.parallel(spaced, arr)
    spaces = pc.count_substring(runs, " ").to_numpy(zero_copy_only=False).astype(np.int64)
    length = pc.utf8_length(runs).to_numpy(zero_copy_only=False).astype(np.int64)
    return length - spaces, np.where(length > 0, spaces + 1, 0)


def content_letters(texts) -> np.ndarray:
    """Letters per text that stand in phrase-like segments (see the module docstring).

    A segment is text between line breaks and list separators (``, ; : |``, numbered items); it counts
    when it holds at least four words (runs of letters), or six CJK characters.
    """
    arr = textops.as_strings(texts)
    segs = pc.split_pattern_regex(arr, r"\n|" + _SEGMENT_SPLIT)
    flat = pc.list_flatten(segs)
    parent = pc.list_parent_indices(segs).to_numpy()
    letters, words = letters_and_words(flat)  # words: runs of letters (a one-letter "x" counts too)
    cjk = np.zeros(len(flat), dtype=np.int64)
    wide = np.flatnonzero(~pc.string_is_ascii(flat).to_numpy(zero_copy_only=False))
    if len(wide):
        cjk[wide] = letter_counts(flat.take(pa.array(wide, pa.int64())), _CJK_CLASS)
    letters = letters + 2 * cjk
    prose = (words >= 4) | (cjk >= 6)
    return np.bincount(parent, weights=np.where(prose, letters, 0), minlength=len(arr)).astype(np.int64)


def first_paragraph(texts) -> pa.Array:
    """The text before the first blank line: the instruction of an Alpaca prompt, not its input."""
    arr = textops.as_strings(texts)
    return pc.list_element(pc.split_pattern_regex(arr, r"\n\s*\n", max_splits=1), 0)


TRANSLATION_PATTERN = (
    r"(?i)\b(?:translat\w*|traduc\w*|tradui\w*|traduz\w*|tradu[cç]\w*|übersetz\w*|uebersetz\w*|"
    r"vertaal\w*|tłumacz\w*|przetłumacz\w*|переве\w*|перевод\w*|översätt\w*|oversæt\w*|käännä\w*|"
    r"çevir\w*|dịch|terjemah\w*|"
    r"(?:in|into|to)\s+(?:another|a\s+different|a\s+second|a\s+foreign|other)\s+languages?|"
    r"foreign\s+language|how\s+(?:do|would)\s+(?:you|I)\s+say)\b"
    r"|翻译|翻譯|译成|譯成|翻訳|訳して|번역|통역"
)


def translation_requests(prompts) -> np.ndarray:
    """Whether each prompt asks for a translation (or for text in another language)."""
    return textops.regex_match(prompts, TRANSLATION_PATTERN)


# names a prompt uses for the language it wants (English, native and Chinese/Japanese names)
LANGUAGE_NAMES = {
    "en": r"english|anglais|englisch|inglés|ingles|inglese|inglês|英语|英文|英語|영어",
    "fr": r"french|français|francais|französisch|francés|francese|francês|法语|法文|フランス語|프랑스어",
    "de": r"german|deutsch|allemand|alemán|aleman|tedesco|alemão|德语|德文|ドイツ語|독일어",
    "es": r"spanish|español|espanol|espagnol|spanisch|spagnolo|espanhol|西班牙语|スペイン語|스페인어",
    "it": r"italian|italiano|italien|italienisch|意大利语|イタリア語|이탈리아어",
    "pt": r"portuguese|português|portugues|portugais|portugiesisch|portugués|葡萄牙语|ポルトガル語",
    "nl": r"dutch|nederlands|néerlandais|niederländisch|holländisch|flemish|荷兰语",
    "ru": r"russian|русск\w*|russe|russisch|ruso|俄语|ロシア語|러시아어",
    "zh": r"chinese|mandarin|cantonese|中文|汉语|漢語|普通话|粤语|chinois|chinesisch|chino|中国語|중국어",
    "ja": r"japanese|日本語|日语|日文|japonais|japanisch|japonés|일본어",
    "ko": r"korean|한국어|韩语|韓国語|coréen|koreanisch|coreano",
    "ar": r"arabic|العربية|阿拉伯语|arabe|arabisch|árabe",
    "hi": r"hindi|हिन्दी|हिंदी|印地语",
    "pl": r"polish|polski|polonais|polnisch|波兰语",
    "tr": r"turkish|türkçe|turc|türkisch|土耳其语",
    "sv": r"swedish|svenska|suédois|schwedisch|瑞典语",
    "no": r"norwegian|norsk|挪威语",
    "da": r"danish|dansk|丹麦语",
    "fi": r"finnish|suomi|芬兰语",
    "el": r"greek|ελληνικά|希腊语",
    "he": r"hebrew|עברית|希伯来语",
    "uk": r"ukrainian|українськ\w*|乌克兰语",
    "cs": r"czech|čeština|捷克语",
    "hu": r"hungarian|magyar|匈牙利语",
    "ro": r"romanian|română|罗马尼亚语",
    "vi": r"vietnamese|tiếng việt|越南语",
    "id": r"indonesian|bahasa|印尼语",
    "ms": r"malay|bahasa|马来语",
    "th": r"thai|ภาษาไทย|泰语",
    "la": r"latin|拉丁语",
    "sw": r"swahili|kiswahili",
    "eo": r"esperanto",
}


_OPEN, _CLOSE = "\"“「『‘«", "\"”」』’»"
_QUOTED_LATIN = rf"[{_OPEN}][^{_CLOSE}]*[A-Za-z]{{2,}}[^{_CLOSE}]*[{_CLOSE}]|[:：]\s*[A-Za-z]{{2,}}"
_QUOTED_CJK = rf"[{_OPEN}][^{_CLOSE}]*{_CJK}[^{_CLOSE}]*[{_CLOSE}]|[:：]\s*{_CJK}"


def quotes_material(prompts, cjk: np.ndarray) -> np.ndarray:
    """Whether prompt ``i`` quotes or gives (after a colon) words in the script of its response
    (CJK where ``cjk[i]``, else Latin): "写一个包含“do away with”短语的句子" asks for English."""
    arr = textops.as_strings(prompts)
    out = np.zeros(len(arr), dtype=bool)
    for flag, pattern in ((True, _QUOTED_CJK), (False, _QUOTED_LATIN)):
        rows = np.flatnonzero(np.asarray(cjk, dtype=bool) == flag)
        if len(rows):
            out[rows] = textops.regex_match(arr.take(pa.array(rows, pa.int64())), pattern)
    return out


def mentions_language(prompts, codes: np.ndarray) -> np.ndarray:
    """Whether prompt ``i`` names language ``codes[i]`` (one RE2 pass per distinct code)."""
    arr = textops.as_strings(prompts)
    out = np.zeros(len(arr), dtype=bool)
    codes = np.asarray(codes, dtype=object)
    for code in set(codes.tolist()) & set(LANGUAGE_NAMES):
        rows = np.flatnonzero(codes == code)
        sub = arr.take(pa.array(rows, pa.int64()))
        # no word boundary: CJK names follow other letters ("翻译成法语"), and "German" in "Germany"
        # is as good a reason for German text
        out[rows] = textops.regex_match(sub, "(?i)(?:" + LANGUAGE_NAMES[code] + ")")
    return out
