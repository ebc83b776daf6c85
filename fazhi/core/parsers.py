"""The API's JSON parser: DRF's, except that JSON nested deeper than Python can decode (``[[[[…`` thousands deep)
is a Chinese 400 instead of a RecursionError and a 500."""
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("请求内容嵌套层级过深。") from None
