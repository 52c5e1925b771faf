"""API of 菁智汇: `/api/v1/research-topics/` (scoped reads with the group and milestones,
staff writes, group changes, milestones, the report) and `/api/v1/defenses/` (sessions,
rubric, panel, topics, a judge's score card, results, publication). Writes call
`training.services.research`; scoping comes from `training.selectors.research`."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from core.api.permissions import ScopedModelPermissions
from core.models import User
from training.choices import MemberRole
from training.models import Defense, Milestone, ResearchMember, ResearchTopic
from training.selectors import research as selectors
from training.serializers_research import (
    CriteriaSerializer,
    DefenseDetailSerializer,
    DefenseScoreCardSerializer,
    DefenseSerializer,
    JudgeIdsSerializer,
    MemberAddSerializer,
    MilestoneDoneSerializer,
    MilestoneSerializer,
    ReportUploadSerializer,
    ResearchMemberSerializer,
    ResearchTopicSerializer,
    ResultsSerializer,
    TopicIdsSerializer,
)
from training.services import research as services


class TopicPermissions(ScopedModelPermissions):
    """Model permissions, except that members (report) and leaders (milestones) act on
    their own topic with only the view permission; the view checks their place."""

    MEMBER_ACTIONS = {"report", "milestones", "milestone"}

    def has_permission(self, request, view):
        if getattr(view, "action", None) in ("members", "member"):
            return bool(
                request.user
                and request.user.is_authenticated
                and request.user.has_perm("training.change_researchtopic")
            )
        if getattr(view, "action", None) in self.MEMBER_ACTIONS:
            return bool(
                request.user
                and request.user.is_authenticated
                and request.user.has_perm("training.view_researchtopic")
            )
        return super().has_permission(request, view)


class ResearchTopicViewSet(viewsets.ModelViewSet):
    """调研课题 the caller may see, each with its group (`members`) and `milestones`;
    `status` is `in_progress`, `submitted` (report in) or `defended` (results published)."""

    queryset = ResearchTopic.objects.none()  # the model, for permissions and the schema
    serializer_class = ResearchTopicSerializer
    permission_classes = [TopicPermissions]
    filterset_fields = {"field": ["exact"], "unit": ["exact"], "due_on": ["gte", "lte"]}
    ordering_fields = ["starts_on", "due_on", "title"]
    ordering = ["-starts_on", "-id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ResearchTopic.objects.none()
        topics = selectors.with_members(selectors.topic_list(self.request.user)).prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id"))
        )
        wanted = self.request.query_params.get("status")
        return topics.filter(status=wanted) if wanted else topics

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=["in_progress", "submitted", "defended"])]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _fresh(self, pk) -> dict:
        return ResearchTopicSerializer(
            self.get_queryset().get(pk=pk), context=self.get_serializer_context()
        ).data

    def _managed(self, pk) -> ResearchTopic:
        if not self.request.user.has_perm("training.change_researchtopic"):
            raise PermissionDenied
        return get_object_or_404(selectors.topics_managed_by(self.request.user), pk=pk)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        leader = data.pop("leader", None)
        members = data.pop("member_ids", [])
        topic = services.topic_create(actor=request.user, leader=leader, members=members, **data)
        return Response(self._fresh(topic.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        topic = self._managed(kwargs["pk"])
        serializer = self.get_serializer(topic, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("leader", None)
        data.pop("member_ids", None)
        services.topic_update(topic=topic, actor=request.user, **data)
        return Response(self._fresh(topic.pk))

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        raise PermissionDenied

    @extend_schema(request=MemberAddSerializer, responses={201: ResearchMemberSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        """Add a cadre to the group (`role: "leader"` makes them the leader)."""
        topic = self._managed(pk)
        serializer = MemberAddSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        cadre = serializer.validated_data["cadre"]
        if serializer.validated_data["role"] == MemberRole.LEADER:
            member = services.leader_set(topic=topic, cadre=cadre, actor=request.user)
        else:
            member = services.member_add(topic=topic, cadre=cadre, actor=request.user)
        return Response(ResearchMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<member_pk>\d+)")
    def member(self, request, pk=None, member_pk=None):
        """Remove a member (the leader cannot be removed; name another leader first)."""
        topic = self._managed(pk)
        member = get_object_or_404(ResearchMember, pk=member_pk, topic=topic)
        services.member_remove(member=member, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _milestone_topic(self, pk) -> ResearchTopic:
        topic = get_object_or_404(selectors.topics_visible_to(self.request.user), pk=pk)
        if not selectors.may_manage_milestones(self.request.user, topic):
            raise PermissionDenied
        return topic

    @extend_schema(request=MilestoneSerializer, responses={201: MilestoneSerializer})
    @action(detail=True, methods=["post"])
    def milestones(self, request, pk=None):
        """Add a milestone (staff or the topic's leader)."""
        topic = self._milestone_topic(pk)
        serializer = MilestoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_add(
            topic=topic, actor=request.user, **serializer.validated_data
        )
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MilestoneDoneSerializer, responses={200: MilestoneSerializer})
    @action(detail=True, methods=["patch"], url_path=r"milestones/(?P<milestone_pk>\d+)")
    def milestone(self, request, pk=None, milestone_pk=None):
        """Mark a milestone done on a date with a note (staff or the topic's leader)."""
        topic = self._milestone_topic(pk)
        milestone = get_object_or_404(Milestone, pk=milestone_pk, topic=topic)
        serializer = MilestoneDoneSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_done(
            milestone=milestone, actor=request.user, **serializer.validated_data
        )
        return Response(MilestoneSerializer(milestone).data)

    @extend_schema(request={"multipart/form-data": ReportUploadSerializer},
                   responses={200: ResearchTopicSerializer})  # fmt: skip
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def report(self, request, pk=None):
        """Upload the report (PDF or .docx, at most 10 MB) as a member of the group; it
        replaces the earlier one."""
        topic = get_object_or_404(selectors.topics_visible_to(request.user), pk=pk)
        if selectors.membership(request.user, topic) is None:
            raise PermissionDenied
        services.report_upload(topic=topic, upload=request.FILES.get("report"), actor=request.user)
        return Response(self._fresh(topic.pk))


class DefensePermissions(ScopedModelPermissions):
    """Staff and leaders by model permission; judges read the sessions they sit on and hand
    in score cards (the view checks the panel). Results before publication need the
    permission (`view_defense`)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        action_name = getattr(view, "action", None)
        if action_name == "scores":
            return True
        if request.method in SAFE_METHODS and action_name != "results":
            return selectors.may_use_defenses(user)
        return super().has_permission(request, view)


class DefenseViewSet(viewsets.ModelViewSet):
    """课题答辩会: staff create sessions, set topics, rubric and panel; judges score; staff
    publish the ranking (points to the groups) or withdraw it."""

    queryset = Defense.objects.none()
    serializer_class = DefenseSerializer
    permission_classes = [DefensePermissions]
    ordering_fields = ["held_at", "title"]
    ordering = ["-held_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Defense.objects.none()
        return selectors.defense_list(self.request.user)

    def get_serializer_class(self):
        return DefenseDetailSerializer if self.action == "retrieve" else DefenseSerializer

    def _managed(self, pk) -> Defense:
        if not self.request.user.has_perm("training.change_defense"):
            raise PermissionDenied
        return get_object_or_404(selectors.defenses_managed_by(self.request.user), pk=pk)

    def _fresh(self, pk) -> dict:
        return DefenseDetailSerializer(
            self.get_queryset().get(pk=pk), context=self.get_serializer_context()
        ).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        defense = services.defense_create(actor=request.user, **serializer.validated_data)
        return Response(self._fresh(defense.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        defense = self._managed(kwargs["pk"])
        serializer = self.get_serializer(defense, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.defense_update(defense=defense, actor=request.user, **serializer.validated_data)
        return Response(self._fresh(defense.pk))

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=TopicIdsSerializer, responses={200: DefenseDetailSerializer})
    @action(detail=True, methods=["post"])
    def topics(self, request, pk=None):
        """Set the topics defended here (reports submitted, not defended elsewhere)."""
        defense = self._managed(pk)
        serializer = TopicIdsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = set(serializer.validated_data["topics"])
        topics = list(selectors.eligible_topics(defense, request.user).filter(pk__in=ids))
        if len(topics) != len(ids):
            raise ValidationError(
                {"topics": [_unknown_topics()]},
            )
        services.defense_topics_set(defense=defense, topics=topics, actor=request.user)
        return Response(self._fresh(defense.pk))

    @extend_schema(request=CriteriaSerializer, responses={200: DefenseDetailSerializer})
    @action(detail=True, methods=["post"])
    def criteria(self, request, pk=None):
        """Replace the rubric (refused once any judge has scored)."""
        defense = self._managed(pk)
        serializer = CriteriaSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.defense_criteria_set(
            defense=defense,
            criteria=[dict(c) for c in serializer.validated_data["criteria"]],
            actor=request.user,
        )
        return Response(self._fresh(defense.pk))

    @extend_schema(request=JudgeIdsSerializer, responses={200: DefenseDetailSerializer})
    @action(detail=True, methods=["post"])
    def judges(self, request, pk=None):
        """Set the panel (user ids)."""
        defense = self._managed(pk)
        serializer = JudgeIdsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = set(serializer.validated_data["judges"])
        users = list(User.objects.filter(pk__in=ids, is_active=True))
        if len(users) != len(ids):
            raise ValidationError({"judges": [_unknown_users()]})
        services.defense_judges_set(defense=defense, judges=users, actor=request.user)
        return Response(self._fresh(defense.pk))

    @extend_schema(request=DefenseScoreCardSerializer, responses={200: DefenseScoreCardSerializer})
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        """A judge of this session hands in or revises their card for one topic (from the
        session's start until the results are published)."""
        defense = get_object_or_404(selectors.defenses_visible_to(request.user), pk=pk)
        if not selectors.is_judge(request.user, defense):
            raise PermissionDenied
        serializer = DefenseScoreCardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        topic = get_object_or_404(
            ResearchTopic, pk=serializer.validated_data["topic"], defense=defense
        )
        services.defense_score(
            defense=defense,
            topic=topic,
            judge=request.user,
            scores=serializer.validated_data["scores"],
        )
        return Response(serializer.data)

    def _results(self, defense) -> dict:
        data = selectors.defense_results(defense)
        return ResultsSerializer(
            {
                "published_at": defense.results_published_at,
                "version": defense.results_version,
                "rows": data["rows"],
                "judges": data["judges"],
            }
        ).data

    @extend_schema(request=None, responses={200: ResultsSerializer})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        """Ranked topics (ties share a rank; incomplete cards excluded), judges' completion."""
        defense = get_object_or_404(selectors.defenses_with_results_for(request.user), pk=pk)
        return Response(self._results(defense))

    @extend_schema(request=None, responses={200: ResultsSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the ranking: scoring closes and the groups' points are recorded."""
        defense = services.results_publish(defense=self._managed(pk), actor=request.user)
        return Response(self._results(defense))

    @extend_schema(request=None, responses={200: ResultsSerializer})
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        """Withdraw the publication: the points are reversed and scoring reopens."""
        defense = services.results_withdraw(defense=self._managed(pk), actor=request.user)
        return Response(self._results(defense))


def _unknown_topics() -> str:
    from django.utils.translation import gettext as _

    return _("有课题不存在、不在您的范围内或尚未提交报告。")


def _unknown_users() -> str:
    from django.utils.translation import gettext as _

    return _("有评委账号不存在或已停用。")
