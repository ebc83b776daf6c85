"""Chinese full-text search: jieba segments text into words; records keep a segmented ``search_text`` column and
queries match every word of the query (AND)."""
import logging
import re
from functools import reduce
from operator import and_

from django.conf import settings
from django.db.models import Q

_jieba = None
_PUNCT = re.compile(r"^[\s\W_]+$", re.UNICODE)


def _get_jieba():
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.dt.tmp_dir = str(settings.VAR_DIR)
        jieba.initialize()
        _jieba = jieba
    return _jieba


def tokens(text):
    text = (text or "").strip()
    if not text:
        return []
    seen, out = set(), []
    for word in _get_jieba().cut_for_search(text.lower()):
        word = word.strip()
        if word and not _PUNCT.match(word) and word not in seen:
            seen.add(word)
            out.append(word)
    return out


def search_text(*parts):
    """The value to store in a record's ``search_text`` column."""
    return " ".join(tokens(" ".join(p for p in parts if p)))[:20000]


def search_q(query, field="search_text"):
    """A Q matching records whose segmented text holds every word of ``query``; None for an empty query."""
    words = [w for w in tokens(query) if len(w) > 0][:10]
    if not words:
        return None
    return reduce(and_, (Q(**{f"{field}__contains": w}) for w in words))
