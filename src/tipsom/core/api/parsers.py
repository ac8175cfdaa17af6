"""The API's JSON parser (the default one): DRF's, with nesting bounded (core.jsontext), so a body nested a
thousand levels deep is a 400 "malformed_request" rather than a RecursionError and a 500."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from tipsom.core.jsontext import JSONTooDeep, check_json_nesting


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            return check_json_nesting(super().parse(stream, media_type, parser_context))
        except RecursionError:
            raise ParseError(str(JSONTooDeep())) from None
        except JSONTooDeep as error:
            raise ParseError(str(error)) from None
