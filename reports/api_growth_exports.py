"""API of batch growth-record exports: list own, create (a unit, a cohort or cadre ids in
scope), status, and the ZIP download (requester only, while every cadre is still in scope;
410 once expired)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cadres.selectors import cohorts_visible_to, units_visible_to
from reports.models import GrowthExport
from reports.services import growth_exports as exports
from reports.views_growth_pdf import export_cadres, export_download


class GrowthExportSerializer(serializers.ModelSerializer):
    expired = serializers.SerializerMethodField()

    class Meta:
        model = GrowthExport
        fields = [
            "id", "title", "year", "total", "status", "progress", "error", "attempts",
            "created_at", "started_at", "finished_at", "expires_at", "expired",
        ]  # fmt: skip
        read_only_fields = fields

    def get_expired(self, obj) -> bool:
        return exports.growth_export_expired(obj)


class GrowthExportCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False, allow_null=True)
    unit = serializers.IntegerField(required=False, help_text="单位编号（含下级单位）")
    cohort = serializers.IntegerField(required=False, help_text="批次编号（当前成员）")
    cadres = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="干部编号列表"
    )

    def validate(self, attrs):
        given = [k for k in ("unit", "cohort", "cadres") if attrs.get(k) not in (None, [])]
        if len(given) != 1:
            raise serializers.ValidationError(_("请指定一个单位、一个批次或一组干部（三选一）。"))
        return attrs


class GrowthExportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    serializer_class = GrowthExportSerializer
    permission_classes = [IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not exports.export_allowed(request.user):
            raise ApiPermissionDenied

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GrowthExport.objects.none()
        return GrowthExport.objects.filter(requested_by=self.request.user)

    @extend_schema(request=GrowthExportCreateSerializer, responses={201: GrowthExportSerializer})
    def create(self, request, *args, **kwargs):
        data = GrowthExportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attrs = data.validated_data
        user = request.user
        title = attrs.get("title") or ""
        if attrs.get("unit") is not None:
            unit = units_visible_to(user).filter(pk=attrs["unit"]).first()
            if unit is None:
                raise ApiValidationError({"unit": [_("单位不存在或不在您的管理范围内。")]})
            cadres, default = export_cadres(user, unit=unit)
        elif attrs.get("cohort") is not None:
            cohort = cohorts_visible_to(user).filter(pk=attrs["cohort"]).first()
            if cohort is None:
                raise ApiValidationError({"cohort": [_("批次不存在或不在您的查看范围内。")]})
            cadres, default = export_cadres(user, cohort=cohort)
        else:
            cadres, default = attrs["cadres"], _("成长档案")
        try:
            export = exports.growth_export_request(
                actor=user, cadres=cadres, title=title or default, year=attrs.get("year")
            )
        except PermissionDenied:
            raise ApiPermissionDenied from None
        except ValidationError as exc:
            raise ApiValidationError(exc.message_dict) from None
        return Response(GrowthExportSerializer(export).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY, 410: None})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        export = self.get_object()
        response = export_download(export, request.user)
        if response is None:
            return Response(
                {"detail": _("该导出文件已过期并被删除，请重新导出。")}, status=status.HTTP_410_GONE
            )
        return response
