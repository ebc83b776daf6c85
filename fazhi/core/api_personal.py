"""API: personal numbers are masked in every answer (``MaskPersonalNumbers`` on the serializers); the full numbers
of one record come only from ``POST /api/core/personal/reveal/`` with a reason, by a role holding
``core.reveal_personal`` on the record's node — and each call is an audit event."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from . import personal
from .endpoints import Endpoint


class MaskPersonalNumbers:
    """Serializer mixin: every field backed by an encrypted model field is answered masked."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name, field in self._personal_fields(type(instance)):
            if data.get(name):
                data[name] = field.mask(data[name])
        return data

    def _personal_fields(self, model) -> list:
        """(answer key, encrypted model field) pairs, worked out once per serializer and model, not per row."""
        cache = self.__dict__.setdefault("_personal_cache", {})
        if model not in cache:
            pairs = []
            for name, field in self.fields.items():
                source = getattr(field, "source", name) or name
                if "." not in source and personal.is_personal(model, source):
                    pairs.append((name, model._meta.get_field(source)))
            cache[model] = pairs
        return cache[model]


class RevealIn(serializers.Serializer):
    object = serializers.CharField(max_length=100, help_text="记录类型，如 disputes.party、disputes.dispute、enforcement.case")
    id = serializers.IntegerField(min_value=1, max_value=2_147_483_647)
    reason = serializers.CharField(max_length=200, help_text="查看理由（记入审计日志）")
    fields = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=10)


class PersonalReveal(Endpoint):
    perms = {"POST": personal.REVEAL_PERM}
    census_skip = "the record is named in the body; personal.reveal scopes it through the owner's policy"

    @extend_schema(summary="查看一条记录的完整证件号、电话（须填理由，记入审计日志）", request=RevealIn,
                   responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = self.validated(RevealIn)
        obj, shown = personal.reveal(actor=request.user, target=data["object"], object_id=data["id"],
                                     reason=data["reason"], fields=data.get("fields"), via="API")
        response = Response({"object": obj._meta.label_lower, "id": obj.pk, "numbers": shown})
        response["Cache-Control"] = "no-store"
        return response
