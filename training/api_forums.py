"""API of 菁才论坛, `/api/v1/forums/`: scoped reads with counts, staff writes through the
services, nested speakers and attendees, results, judges' score cards and publication."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cadres.selectors import serving_cadres_visible_to
from training.choices import ForumFormat
from training.models import Forum, ForumAttendee, ForumSpeaker
from training.selectors import forums as selectors
from training.serializers_forums import (
    AttendeesAddSerializer,
    AttendeeSerializer,
    ForumResultSerializer,
    ForumScoreCardSerializer,
    ForumSerializer,
    SpeakerSerializer,
    WithdrawSerializer,
)
from training.services import cadres_of
from training.services import forums as services


class ForumFilter(django_filters.FilterSet):
    # Not `format`: DRF reads `?format=` as the renderer to use.
    forum_format = django_filters.ChoiceFilter(field_name="format", choices=ForumFormat.choices)

    class Meta:
        model = Forum
        fields = {"unit": ["exact"], "starts_at": ["gte", "lt"]}


YEAR = OpenApiParameter("year", int, description="开始时间所在年度")
QUARTER = OpenApiParameter("quarter", int, description="季度（1–4，需同时给出年度）")


class ForumViewSet(viewsets.ModelViewSet):
    """菁才论坛 the caller may see (staff and leaders: organised in their subtree; others:
    where a cadre they may see speaks or attends), with speaker and attendee counts."""

    queryset = Forum.objects.none()  # the model, for permissions and the schema
    serializer_class = ForumSerializer
    filterset_class = ForumFilter
    ordering_fields = ["starts_at", "title"]
    ordering = ["-starts_at", "-id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Forum.objects.none()
        forums = selectors.forum_list(self.request.user)
        year = self.request.query_params.get("year", "")
        quarter = self.request.query_params.get("quarter", "")
        if year.isascii() and year.isdigit() and 1900 <= int(year) <= 2999:
            forums = selectors.forums_filter(
                forums,
                year=int(year),
                quarter=int(quarter) if quarter in {"1", "2", "3", "4"} else None,
            )
        return forums

    @extend_schema(parameters=[YEAR, QUARTER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _managed(self, pk) -> Forum:
        if not self.request.user.has_perm("training.change_forum"):
            raise PermissionDenied
        return get_object_or_404(selectors.forums_managed_by(self.request.user), pk=pk)

    def _fresh(self, forum):
        return ForumSerializer(
            selectors.with_counts(Forum.objects.filter(pk=forum.pk)).get(),
            context=self.get_serializer_context(),
        ).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        forum = services.forum_create(actor=request.user, **serializer.validated_data)
        return Response(self._fresh(forum), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        forum = self._managed(kwargs["pk"])
        serializer = self.get_serializer(forum, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        forum = services.forum_update(forum=forum, actor=request.user, **serializer.validated_data)
        return Response(self._fresh(forum))

    def destroy(self, request, *args, **kwargs):
        services.forum_delete(forum=self._managed(kwargs["pk"]), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- nested speakers and attendees ---

    @extend_schema(methods=["GET"], responses=SpeakerSerializer(many=True))
    @extend_schema(methods=["POST"], request=SpeakerSerializer, responses={201: SpeakerSerializer})
    @action(detail=True, methods=["get", "post"])
    def speakers(self, request, pk=None):
        """The programme (GET, anyone who sees the forum); staff add a speaker (POST)."""
        if request.method == "GET":
            rows = selectors.speakers_of(self.get_object())
            return Response(SpeakerSerializer(rows, many=True).data)
        forum = self._managed(pk)
        serializer = SpeakerSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        speaker = services.speaker_add(
            forum=forum,
            cadre=data["cadre"],
            talk_title=data.get("talk_title", ""),
            position=data.get("position"),
            actor=request.user,
        )
        return Response(SpeakerSerializer(speaker).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"speakers/(?P<speaker_id>\d+)",
        permission_classes=[IsAuthenticated],  # `_managed` checks training.change_forum
    )
    def speaker_remove(self, request, pk=None, speaker_id=None):
        forum = self._managed(pk)
        speaker = get_object_or_404(ForumSpeaker, forum=forum, pk=speaker_id)
        services.speaker_remove(speaker=speaker, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["GET"], responses=AttendeeSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=AttendeesAddSerializer,
        responses={201: AttendeeSerializer(many=True)},
    )
    @action(detail=True, methods=["get", "post"])
    def attendees(self, request, pk=None):
        """Attendees the caller may see (GET); staff add by ids, a cohort or a unit (POST)."""
        if request.method == "GET":
            rows = selectors.attendees_of(self.get_object(), request.user)
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(AttendeeSerializer(page, many=True).data)
        forum = self._managed(pk)
        serializer = AttendeesAddSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("cadres"):
            cadres = data["cadres"]
        else:
            cadres = list(
                cadres_of(cohort=data.get("cohort"), unit=data.get("unit")).filter(
                    pk__in=serving_cadres_visible_to(request.user).values("pk")
                )
            )
        services.attendees_add(forum=forum, cadres=cadres, actor=request.user)
        rows = selectors.attendees_of(forum, request.user)
        return Response(AttendeeSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"attendees/(?P<attendee_id>\d+)",
        permission_classes=[IsAuthenticated],  # `_managed` checks training.change_forum
    )
    def attendee_remove(self, request, pk=None, attendee_id=None):
        forum = self._managed(pk)
        attendee = get_object_or_404(ForumAttendee, forum=forum, pk=attendee_id)
        services.attendee_remove(attendee=attendee, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- results, scores, publication ---

    @extend_schema(responses=ForumResultSerializer(many=True))
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """The ranking: all speakers for administrators and the organising subtree's staff and
        leaders; for anyone else, after publication, the speakers they may see as cadres."""
        forum = self.get_object()
        if selectors.sees_full_results(request.user, forum):
            rows = selectors.results_table(forum)["rows"]
        else:
            rows = selectors.own_ranks(forum, request.user)
        return Response(ForumResultSerializer(rows, many=True).data)

    @extend_schema(
        request=ForumScoreCardSerializer,
        responses={
            200: inline_serializer(
                "ScoreCardSaved",
                {"speaker": serializers.IntegerField(), "saved": serializers.IntegerField()},
            )
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def scores(self, request, pk=None):
        """A judge submits (or revises) their complete card for one speaker."""
        forum = get_object_or_404(selectors.forums_judged_by(request.user), pk=pk)
        serializer = ForumScoreCardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        speaker = forum.speakers.filter(pk=serializer.validated_data["speaker"]).first()
        if speaker is None:
            raise DjangoValidationError({"speaker": _("该主讲人不在本期论坛中。")})
        saved = services.forum_score_save(
            speaker=speaker, judge=request.user, scores=serializer.validated_data["scores"]
        )
        return Response({"speaker": speaker.pk, "saved": saved})

    @extend_schema(request=None, responses=ForumSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the results: points for every speaker and for ranks 1–3."""
        forum = services.forum_results_publish(forum=self._managed(pk), actor=request.user)
        return Response(self._fresh(forum))

    @extend_schema(request=WithdrawSerializer, responses=ForumSerializer)
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        """Withdraw the publication: that version's points are reversed, scoring reopens."""
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        forum = services.forum_results_withdraw(
            forum=self._managed(pk),
            actor=request.user,
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(self._fresh(forum))
