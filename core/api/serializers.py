"""Serializer helpers shared by the apps' APIs."""

from collections.abc import Callable
from typing import ClassVar


def request_user(serializer):
    """The user of the request in the serializer's context; None without a request (while
    drf-spectacular generates the schema)."""
    request = serializer.context.get("request")
    return None if request is None else request.user


class ScopedFieldsMixin:
    # Related fields whose choices are scoped to the requesting user. `scoped_fields` maps a
    # field name to a function `user -> queryset`; a `many=True` field scopes its child
    # relation. Without a request every scoped field offers nothing. Put the mixin before the
    # serializer class in the bases. (No docstring: drf-spectacular would show it as the
    # description of every serializer without one of its own.)

    scoped_fields: ClassVar[dict[str, Callable]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = request_user(self)
        for name, scope in self.scoped_fields.items():
            field = self.fields[name]
            field = getattr(field, "child_relation", field)
            field.queryset = field.queryset.none() if user is None else scope(user)
