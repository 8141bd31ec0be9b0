"""High-precision verb patterns for task types, English and Chinese.

Each rule is an explicit request ("translate ... into French", "写一首诗", "summarize the following")
that leaves little doubt about the kind of task. The classifier's probabilities are combined with
these hits in ``workbench.quality.task_type``; a rule never fires on a mere mention of a topic (a
question *about* translation is not a translation task), so patterns anchor on imperative forms.
Rules are tried in order and the first hit wins.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_START = r"(?:^|[.!?。！？\n:：]\s*|\b(?:please|can you|could you|would you|kindly|now|then|help me|i want you to|i need you to)\s+)"

_LANG = (r"(?:english|french|german|spanish|italian|chinese|mandarin|japanese|korean|russian|portuguese|arabic|hindi"
         r"|dutch|turkish|vietnamese|polish|swedish|greek|hebrew|persian|farsi|urdu|bengali|thai|indonesian|malay"
         r"|gujarati|marathi|tamil|telugu|kannada|malayalam|punjabi|oriya|odia|nepali|sinhala|filipino|tagalog"
         r"|swahili|yoruba|igbo|hausa|zulu|xhosa|czech|slovak|romanian|hungarian|finnish|danish|norwegian"
         r"|ukrainian|bulgarian|serbian|croatian|catalan|basque|galician|lithuanian|latvian|estonian|khmer|lao"
         r"|burmese|amharic|somali)")
# Task definitions ("In this task, you are given ... Your task is to ...") name the operation in a few
# stock phrases; these read them.
_TASK = r"(?:your (?:task|job) is to|you (?:need|have|are (?:expected|asked|required|supposed)) to|the task is to|you should|you must)"

RULES: tuple[tuple[str, str], ...] = (
    ("translation",
     r"(?i)\btranslat\w*\b[^.?!\n]{0,80}\b(?:into|to|in)\s+(?:english|french|german|spanish|italian|chinese"
     r"|japanese|korean|russian|portuguese|arabic|hindi|dutch|turkish|vietnamese|polish|swedish|greek"
     r"|hebrew|persian|farsi|urdu|bengali|thai|indonesian|\w+ language)\b"
     r"|(?i)\b(?:english|french|german|spanish|italian|chinese|japanese|korean|russian|portuguese|arabic)"
     r"\s+(?:to|into)\s+(?:english|french|german|spanish|italian|chinese|japanese|korean|russian|portuguese"
     r"|arabic)\b[^.?!\n]{0,30}\btranslat"
     r"|\b(?:translat\w*|convert)\b[^.\n]{0,60}\b(?:from|in) (?:the )?" + _LANG + r"(?: language)?\b[^.\n]{0,40}"
     r"\b(?:to|into) (?:the )?" + _LANG + r"\b"
     r"|\b(?:translat\w*|convert)\b[^.\n]{0,40}\b(?:in|into|to) (?:the )?" + _LANG + r"(?: language)?\b"
     r"|(?:翻译|译成|译为|翻成)(?:成|为)?\s*(?:中文|英文|英语|汉语|日语|法语|德语|韩语|俄语|西班牙语|\S{0,6}语)"
     r"|(?:把|将)[^。？！\n]{0,80}(?:翻译|译成|译为)|^\s*(?:请)?翻译(?:以下|下面|下列|这|一下)"),
    ("code",
     r"(?i)\b(?:write|create|implement|generate|complete|fix|debug|refactor|optimi[sz]e)\s+(?:a|an|the|some|this|"
     r"my|me a)?\s*(?:\w+\s+){0,3}(?:function|method|class|script|program|code|query|regex|regular expression"
     r"|unit tests?|sql|api endpoint)\b"
     r"|(?i)\b(?:python|javascript|typescript|java|c\+\+|c#|golang|rust|kotlin|swift|php|ruby|bash|"
     r"powershell|sql|html|css)\s+(?:code|function|script|program|snippet|class|query)\b"
     r"|\b(?:sql|sparql) (?:query|queries|statement|command)|\blogical (?:form|operators?)\b|\blambda (?:expression|calculus)"
     r"|```|(?i)\bdef \w+\(|\bimport \w+|#include\s*<|\bSELECT\b.+\bFROM\b"
     r"|(?:写|编写|实现|生成|完成|修复|优化)(?:一个|一段|一下|以下|下面的)?[^。？！\n]{0,12}"
     r"(?:代码|程序|函数|脚本|算法|SQL|sql|正则)|(?:python|java|c\+\+|javascript|Python|Java|JavaScript)\s*(?:代码|程序|函数)"),
    ("math_reasoning",
     r"\bmath(?:ematical|s)? (?:word )?(?:problem|question)s?\b|\bmathematical operators?\b|\barithmetic (?:problem|question|"
     r"operation)s?\b|\b(?:report|give|output) (?:only )?the (?:final )?numerical answer\b"
     r"|数学题|应用题|解方程|求解方程"),
    ("summarization",
     r"(?i)" + _START + r"(?:summari[sz]e|sum up|condense|give (?:me )?(?:a |the )?(?:summary|tl;?dr|gist)"
     r"|write (?:a |an )?(?:short |brief |one-sentence )?(?:summary|abstract|tl;?dr))\b"
     r"|(?i)\b(?:summari[sz]e|summary of) (?:the|this|these|following|above|below|given|provided)\b"
     r"|\b" + _TASK + r" (?:generate|write|produce|create) (?:a |an )?(?:short |brief |concise |one-sentence )?"
     r"(?:summary|abstract|headline|title)\b"
     r"|(?:总结|概括|归纳|摘要|概述)(?:一下|以下|下面|这|该|出|文章|内容|主要|本文|要点)|(?:写|生成|提供)(?:一个|一段|一篇)?摘要"),
    ("creative_writing",
     r"(?i)\b(?:write|compose|create|draft|pen|craft)\s+(?:me\s+)?(?:a|an|the|some|two|three|\d+)?\s*"
     r"(?:\w+[- ]){0,3}(?:poem|poems|haiku|limerick|sonnet|story|stories|short story|song|lyrics|rap|fable"
     r"|fairy tale|screenplay|script for a (?:play|movie|scene)|play|novel|tale|essay|blog post|speech"
     r"|letter|cover letter|email|e-mail|tweet|ad|advertisement|slogan|jingle|joke|riddle|dialogue|monologue)\b"
     r"|\b(?:complete|continue|finish) the (?:short )?story\b|\bwrite (?:a|the) (?:middle|last|first|next) sentence\b"
     r"|(?:写|创作|编|作)(?:一首|一篇|一段|一个|一封|首|篇|封)[^。？！\n]{0,10}"
     r"(?:诗|词|歌|故事|小说|文章|散文|作文|信|邮件|演讲稿|剧本|笑话|广告语|口号|对联)"),
    ("rewriting",
     r"(?i)" + _START + r"(?:rewrite|re-write|rephrase|paraphrase|reword|proofread|edit|revise|simplify|shorten"
     r"|polish|make (?:it|this|the (?:text|sentence|paragraph)) (?:more|less|sound)|correct (?:the )?"
     r"(?:grammar|spelling|errors|mistakes)|fix (?:the |any |all )?(?:grammar|grammatical|spelling|typos?))\b"
     r"|\b" + _TASK + r" (?:generate|write|output|produce|create|rewrite) (?:a |the |an )?(?:corrected|simplified|shorter"
     r"|compressed|paraphrased|rephrased|more formal|less formal|polite|positive|negative)\b"
     r"|\b(?:paraphrase|simplify|compress|shorten) (?:the|this|a|each|given|following|input) (?:\w+ )?(?:sentence|text|paragraph|question)"
     r"|\bwithout changing (?:its|the|their) meaning\b|\bminimal changes\b"
     r"|\b(?:write|generate|produce|output) a (?:\w+ )?(?:version|form) of (?:it|the|this|each)\b"
     r"|\bconvert (?:it|them|the \w+) (?:to|into) a (?:\w+ )?(?:review|sentence|text|style|version|tone)\b"
     r"|(?:改写|重写|润色|改述|转述|复述|修改|改正|纠正|简化|扩写|缩写|换一种(?:说法|方式)|用(?:更|另一种)[^。？！\n]{0,8}(?:表达|说))"),
    ("extraction",
     r"(?i)" + _START + r"(?:extract|pull out|list (?:all )?(?:the )?(?:names|entities|dates|numbers|people|places"
     r"|organi[sz]ations|keywords)|identify (?:all )?(?:the )?(?:named entities|entities|names))\b"
     r"|\b(?:recogni[sz]e|identify|find|extract|tag|list|mark|highlight) (?:all |every |each )?(?:the )?(?:name|names|named "
     r"entit(?:y|ies)|entit(?:y|ies)|spans?|mentions?|keywords?|key phrases?|phrases|proper nouns|terms)\b"
     r"(?: of| in| that| which| from| and|,|$)"
     r"|(?:提取|抽取|摘取|找出[^。？！\n]{0,20}(?:人名|地名|实体|关键词|日期|数字))"),
    ("classification",
     r"(?i)" + _START + r"(?:classify|categori[sz]e|label|tag)\b"
     r"|(?i)\b(?:is (?:the|this) (?:sentiment|review|tweet|email|message|statement)[^.?!\n]{0,30}"
     r"(?:positive|negative|neutral|spam))\b|(?i)\bsentiment (?:of|analysis)\b"
     r"|\b(?:classify|categori[sz]e)\b|\b(?:determine|decide|identify|judge|indicate|predict|tell me|check) "
     r"(?:whether|if)\b|\b(?:answer|respond|reply|output|return|label (?:it|them)?) (?:with |as )?(?:\"|')?"
     r"(?:yes|true|pos|positive)(?:\"|')? or (?:\"|')?(?:no|false|neg|negative)\b"
     r"|\bindicate (?:via|with|by|using) (?:\"|')?(?:yes|no|true|false)\b"
     r"|(?:分类|归类|判断[^。？！\n]{0,20}(?:情感|情绪|正面|负面|积极|消极|类别|是否))"),
    ("math_reasoning",
     r"(?i)\b(?:solve (?:for|the (?:equation|following (?:equation|problem|math))|this (?:equation|math))"
     r"|calculate|compute the (?:value|sum|product|area|probability)|what is \d+(?:\.\d+)?\s*[-+*/x×÷^]\s*\d+"
     r"|find the value of [a-z]\b)"
     r"|\d+\s*[-+*/×÷^]\s*\d+\s*=\s*[?？]|(?:计算|求解|解方程|求[^。？！\n]{0,6}(?:值|面积|周长|概率|体积)|数学题|应用题)"),
    ("closed_qa",
     r"\b(?:answer|respond to) (?:the |a |this )?(?:following |given )?questions? (?:\w+ ){0,4}(?:based on|using|from|given|"
     r"according to|about) (?:the |a |this )?(?:given |following |provided )?(?:passage|context|paragraph|story|article|text"
     r"|document|tweet|conversation|dialogue|background|table|review)\b"
     r"|\b(?:given|provided|shown) (?:with )?(?:a|an) (?:passage|context|paragraph|story|article|tweet|document) and a question\b"
     r"|\bquestions? and (?:a|an|the) (?:passage|context|paragraph|story|article|text|document|tweet)\b"
     r"|(?:根据|阅读|依据)(?:以下|下面|上述|下列|给定的?)(?:文章|段落|短文|材料|内容|文本)[^。？！\n]{0,20}(?:回答|问题)"),
    ("brainstorming",
     r"(?i)" + _START + r"(?:brainstorm|give me (?:some |a few |\d+ |several )?(?:ideas|suggestions|tips|names)"
     r"|suggest (?:some |a few |\d+ )?(?:ideas|ways|names|tips)|list (?:\d+|some|a few|several) (?:ideas|ways"
     r"|tips|reasons|things|examples|ways)|come up with (?:some |a few |\d+ )?(?:ideas|names|ways))\b"
     r"|(?:头脑风暴|列举|列出(?:一些|几个|\d+|[一二三四五六七八九十]+)[^。？！\n]{0,10}(?:方法|建议|想法|点子|方式|理由)|提供(?:一些|几个)(?:建议|想法|点子))"),
    ("open_qa",
     r"\b(?:based on|using|from) (?:your |general |common[- ]?sense |world |prior |background )?knowledge\b"
     r"|\b(?:you are given|given|you will be (?:given|presented with)) (?:a|the) (?:\w+ )?(?:question|quiz question|trivia question)"
     r"s?\b|\bgenerate (?:a |an |the )?(?:potentially )?(?:correct )?answer to (?:the|a|this) question\b"),
    ("chat",
     r"(?i)\b(?:let's (?:role-?play|pretend)|role-?play as|pretend (?:to be|you are)|act as (?:a|an|my)\b"
     r"|i want you to act as)\b|\b(?:generate|write|produce|give) (?:a |an |the )?(?:next |appropriate |natural |"
     r"plausible )?(?:response|reply|utterance)s? (?:\w+ ){0,5}(?:dialogue|conversation|chat)\b"
     r"|\bcontinue the (?:dialogue|conversation)\b|\b(?:agent|assistant|bot|speaker)'s (?:response|reply)\b"
     r"|\byes,? and\b\"? response|(?:扮演|角色扮演|假装你是|你现在是一(?:个|名|位))"),
)
# one case-insensitive flag for the whole pattern (RE2 scopes inline flags to their group)
RULES = tuple((name, "(?i)" + pattern.replace("(?i)", "")) for name, pattern in RULES)
LABELS = tuple(name for name, _ in RULES)


def rule_hits(views: list[str] | pa.Array, systems: list[str] | pa.Array | None = None) -> np.ndarray:
    """Index into :data:`LABELS` of the first rule that matches each view (the system prompt counts for
    ``chat`` and ``translation`` only), or -1."""
    arr = views if isinstance(views, pa.Array) else pa.array(list(views), pa.string())
    arr = pc.fill_null(arr, "")
    sys_arr = None
    if systems is not None:
        sys_arr = pc.fill_null(systems if isinstance(systems, pa.Array) else pa.array(list(systems), pa.string()), "")
    out = np.full(len(arr), -1, np.int64)
    for i, (name, pattern) in enumerate(RULES):
        todo = out < 0
        if not todo.any():
            break
        hit = pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False)
        if sys_arr is not None and name in ("chat", "translation"):
            hit = hit | pc.match_substring_regex(sys_arr, pattern).to_numpy(zero_copy_only=False)
        out[todo & hit] = i
    return out
