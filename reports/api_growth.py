"""`/api/v1/cadres/{id}/growth-record/?year=2025&kind=class&kind=forum`: a cadre's growth
record (成长档案) as JSON, in the caller's scope (`cadres_visible_to`): the profile header,
sections with their items, the quarterly points trend and the six-dimension profile."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cadres.selectors import cadres_visible_to
from core.growth import GrowthKind
from reports.selectors.growth import growth_record
from reports.serializers_growth import GrowthRecordSerializer
from reports.views_growth import growth_filters


class GrowthRecordView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=GrowthRecordSerializer,
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="年度（不填为全部）"),
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                many=True,
                enum=GrowthKind.values,
                description="类别，可多选（不填为全部）",
            ),
        ],
    )
    def get(self, request, pk: int):
        if not request.user.has_perm("cadres.view_cadre"):
            raise PermissionDenied
        cadre = get_object_or_404(cadres_visible_to(request.user).select_related("unit"), pk=pk)
        year, kinds = growth_filters(request.query_params)
        record = growth_record(viewer=request.user, cadre=cadre, year=year, kinds=kinds or None)
        data = {
            "cadre": cadre,
            "year": record.year,
            "kinds": record.kinds,
            "sections": [
                {"kind": s.kind, "label": s.label, "items": s.items} for s in record.sections
            ],
            "trend": [{"quarter": q, "points": p} for q, p in record.trend],
            "profile": [{"dimension": d, "score": s} for d, s in record.profile.axes]
            if record.profile
            else None,
            "generated_at": record.generated_at,
        }
        return Response(GrowthRecordSerializer(data).data)
