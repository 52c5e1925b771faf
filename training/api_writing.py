"""API of written output, `/api/v1/writings/`: scoped reads; a cadre submits, changes and
withdraws their own pieces (staff: those of cadres they manage) while not verified; staff
verify (`{id}/verify/`) and return (`{id}/return/`) through the services."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cadres.models import Cadre
from core.api.permissions import ScopedModelPermissions
from training.models import Writing
from training.selectors import writing as selectors
from training.serializers_writing import (
    WritingReturnSerializer,
    WritingSerializer,
    WritingVerifySerializer,
)
from training.services import writing as services

SUBMIT = ("training.add_writing", "training.change_writing")


class WritingPermissions(ScopedModelPermissions):
    """Reads need training.view_writing; submitting, changing and withdrawing need
    training.add_writing (own pieces) or training.change_writing (staff); verify and return
    need training.change_writing. Which rows: the view's scoped querysets."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        action_name = getattr(view, "action", None)
        if action_name in ("verify", "return_"):
            return request.user.has_perm("training.change_writing")
        if action_name in ("create", "partial_update", "update", "destroy"):
            return any(request.user.has_perm(p) for p in SUBMIT)
        return super().has_permission(request, view)


class WritingViewSet(viewsets.ModelViewSet):
    """信息宣传 the caller may see (staff and leaders: their subtree; mentors: their mentees';
    a cadre: their own)."""

    queryset = Writing.objects.none()
    serializer_class = WritingSerializer
    permission_classes = [WritingPermissions]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = {
        "kind": ["exact"],
        "level": ["exact"],
        "status": ["exact"],
        "cadre": ["exact"],
        "published_on": ["gte", "lte"],
    }
    ordering_fields = ["published_on", "title"]
    ordering = ["-published_on", "-id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Writing.objects.none()
        return selectors.writing_list(self.request.user)

    def _editable(self, pk) -> Writing:
        return get_object_or_404(selectors.writings_editable_by(self.request.user), pk=pk)

    def _own_cadre(self) -> Cadre:
        cadre = selectors.writing_submitter_cadres(self.request.user).filter(user=self.request.user)
        found = cadre.first()
        if found is None:
            raise ValidationError({"cadre": [_("请选择干部。")]})
        return found

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        cadre = data.pop("cadre", None) or self._own_cadre()
        serializer.instance = services.writing_submit(
            cadre=cadre, actor=self.request.user, evidence=data.pop("evidence", None), **data
        )

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        writing = self.get_queryset().get(pk=response.data["id"])
        response.data = self.get_serializer(writing).data
        response.data["duplicates"] = list(
            services.writing_duplicates(
                cadre=writing.cadre,
                title=writing.title,
                published_on=writing.published_on,
                exclude=writing.pk,
            ).values_list("pk", flat=True)
        )
        return response

    def perform_update(self, serializer):
        writing = self._editable(serializer.instance.pk)
        data = dict(serializer.validated_data)
        data.pop("cadre", None)  # a piece keeps its cadre
        serializer.instance = services.writing_update(
            writing=writing, actor=self.request.user, evidence=data.pop("evidence", None), **data
        )

    def destroy(self, request, *args, **kwargs):
        """Withdraw a piece not yet verified."""
        services.writing_withdraw(writing=self._editable(kwargs["pk"]), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _reviewable(self, pk) -> Writing:
        return get_object_or_404(selectors.writings_reviewable_by(self.request.user), pk=pk)

    @extend_schema(request=WritingVerifySerializer, responses=WritingSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Verify at the claimed level or a corrected one; points follow (an earlier
        verification's points are withdrawn)."""
        writing = self._reviewable(pk)
        serializer = WritingVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.writing_verify(
            writing=writing,
            actor=request.user,
            level=data.get("level"),
            comment=data.get("comment", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=writing.pk)).data)

    @extend_schema(request=WritingReturnSerializer, responses=WritingSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Return for correction with a comment (required); a verified piece loses its
        points."""
        writing = self._reviewable(pk)
        serializer = WritingReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.writing_return(
            writing=writing, actor=request.user, comment=serializer.validated_data["comment"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=writing.pk)).data)
