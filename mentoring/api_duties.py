"""API of mentor duties "四个一" (导师履职): `/api/v1/duty-records/` (the records of cadres in the
caller's scope, filters `pairing` and `kind`; the pairing's mentor — or staff with the cadre in
scope — records, corrects and deletes through the services) and `/api/v1/pairings/{id}/duties/`
(where each duty of a pairing stands, per period)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import ScopedModelPermissions
from mentoring.models import DutyRecord
from mentoring.selectors import duties as selectors
from mentoring.serializers_duties import (
    DutyRecordSerializer,
    DutyStandingSerializer,
    standing_data,
)
from mentoring.services import duties as services


class DutyRecordViewSet(viewsets.ModelViewSet):
    """导师履职记录 the caller may see."""

    queryset = DutyRecord.objects.none()
    serializer_class = DutyRecordSerializer
    permission_classes = [ScopedModelPermissions]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = {"pairing": ["exact"], "kind": ["exact"], "done_on": ["gte", "lte"]}
    ordering_fields = ["done_on"]
    ordering = ["-done_on", "-id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DutyRecord.objects.none()
        return selectors.duty_record_list(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.duty_record(
            pairing=data.pop("pairing"),
            kind=data.get("kind"),
            done_on=data.get("done_on"),
            title=data.get("title", ""),
            summary=data.get("summary", ""),
            attachment=data.get("attachment"),
            actor=self.request.user,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("pairing", None)
        if data.get("attachment") is None:
            data.pop("attachment", None)
        serializer.instance = services.duty_update(
            record=serializer.instance, actor=self.request.user, **data
        )

    def perform_destroy(self, instance):
        services.duty_delete(record=instance, actor=self.request.user)


class PairingDutiesView(APIView):
    """Where each duty "四个一" of a pairing stands today, with every period."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DutyStandingSerializer(many=True), operation_id="pairings_duties")
    def get(self, request, pk: int):
        if not request.user.has_perm("mentoring.view_dutyrecord"):
            self.permission_denied(request)
        pairing = get_object_or_404(selectors.pairings_with_duties_visible_to(request.user), pk=pk)
        statuses = selectors.duty_standings([pairing], timezone.localdate(), with_records=True)[
            pairing.pk
        ]
        data = [standing_data(s) for s in statuses]
        return Response(DutyStandingSerializer(data, many=True).data)
