"""API of talks (谈心谈话), `/api/v1/talks/`: the talks of the cadres the caller may see,
recording (the caller is the talker) and correcting through the services. The confidential
note is left out of every response to a reader who may not read it."""

from django.core.exceptions import PermissionDenied
from rest_framework import viewsets

from core.api.permissions import ScopedModelPermissions
from mentoring.models import Talk
from mentoring.selectors import talks as selectors
from mentoring.serializers_talks import TalkSerializer, TalkUpdateSerializer
from mentoring.services import talks as services


class TalkViewSet(viewsets.ModelViewSet):
    """谈心谈话 of the cadres the caller may see (staff and leaders: their unit subtree; a
    mentor: their mentees; a cadre: themself)."""

    queryset = Talk.objects.none()
    serializer_class = TalkSerializer
    permission_classes = [ScopedModelPermissions]
    filterset_fields = {"cadre": ["exact"], "level": ["exact"], "talked_on": ["gte", "lte"]}
    ordering_fields = ["talked_on"]
    ordering = ["-talked_on", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Talk.objects.none()
        return selectors.talk_list(self.request.user)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return TalkUpdateSerializer
        return TalkSerializer

    def perform_create(self, serializer):
        talk = services.talk_record(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=talk.pk)

    def perform_update(self, serializer):
        if not services.may_change(self.request.user, serializer.instance):
            raise PermissionDenied
        talk = services.talk_update(
            talk=serializer.instance, actor=self.request.user, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=talk.pk)
