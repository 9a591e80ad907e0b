"""The queue's row actions: one decision, undo, reply, light edit, and ban-and-hide, each a
small CSRF-checked POST view behind the admin's login. With JavaScript (static/admin-newsroom/
queue.js) they answer JSON and the row changes in place; without it they redirect back to the
queue with a message, as the plain admin page always did. Every one goes through
comments/actions.py and is logged like any admin change."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from articles.vietnamese import short_datetime
from comments import actions
from comments.models import Comment

Status = Comment.Status

DECISION_LABELS = {
    "approve": ("Duyệt", "Đã duyệt"),
    "reject": ("Từ chối", "Đã từ chối"),
    "spam": ("Thư rác", "Đã đánh dấu thư rác"),
}

BAN_HOURS = [(0, "Không chặn IP"), (1, "1 giờ"), (24, "24 giờ"), (168, "7 ngày")]


def status_text(comment: Comment) -> str:
    who = ""
    if comment.moderated_at:
        by = comment.moderated_by.get_username() if comment.moderated_by_id else "tự động"
        who = f" ({by}, {short_datetime(comment.moderated_at)})"
    return f"{comment.get_status_display()}{who}"


def reply_label(comment: Comment) -> str:
    """What the row's reply button does, said on the button."""
    if comment.status == Status.PENDING:
        return "Trả lời và duyệt"
    if actions.can_reply(comment):
        return "Trả lời"
    return "Thư riêng"


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


class BanForm(forms.Form):
    ip_hours = forms.TypedChoiceField(
        label="Chặn cả IP", choices=BAN_HOURS, coerce=int, initial=0, required=False,
        help_text="Một IP có thể là của cả nhà mạng (nhiều bạn đọc dùng chung): chỉ chặn "
        "trong thời gian ngắn.",
    )  # fmt: skip
    reason = forms.CharField(label="Lý do (chỉ tòa soạn thấy)", max_length=300, required=False)


class QueueViews:
    """Mixed into CommentAdmin: the row actions' URLs and views."""

    def queue_urls(self):
        view = self.admin_site.admin_view
        own = [
            path(
                f"<int:pk>/{decision}/",
                view(self.decision_view),
                {"decision": decision},
                name=f"comments_comment_{decision}",
            )
            for decision in actions.DECISIONS
        ]
        return [
            *own,
            path("undo/", view(self.undo_view), name="comments_comment_undo"),
            path("<int:pk>/reply/", view(self.reply_view), name="comments_comment_reply"),
            path("<int:pk>/edit/", view(self.edit_view), name="comments_comment_edit"),
            path("<int:pk>/ban/", view(self.ban_view), name="comments_comment_ban"),
        ]

    def _comment_for(self, request, pk, *, post_only=True) -> Comment:
        if post_only and request.method != "POST":
            raise _NotAllowed
        if not self.can_moderate(request):
            raise PermissionDenied
        return get_object_or_404(Comment.objects.select_related("moderated_by"), pk=pk)

    def _answer(self, request, comment, message, *, status=200, **extra):
        """JSON for queue.js, or a message and a redirect back for the plain page."""
        if wants_json(request):
            data = {
                "id": comment.pk,
                "status": comment.status,
                "status_label": status_text(comment),
                "reply_label": reply_label(comment),
                "pending": actions.pending_count(),
                "message": message,
                **extra,
            }
            return JsonResponse(data, status=status)
        level = messages.SUCCESS if status < 400 else messages.ERROR
        self.message_user(request, message, level)
        return HttpResponseRedirect(self._back(request))

    def decision_view(self, request, pk, decision):
        """POST only, CSRF-checked by the middleware and admin_view; back to where the
        moderator was, or JSON with a signed undo token."""
        try:
            comment = self._comment_for(request, pk)
        except _NotAllowed:
            return HttpResponseNotAllowed(["POST"])
        before = actions.snapshot(comment)
        actions.DECISIONS[decision](comment, request.user)
        done = DECISION_LABELS[decision][1]
        self.log_change(request, comment, [{"changed": {"fields": [done]}}])
        token = actions.undo_token(comment, before, request.user)
        return self._answer(request, comment, f"{done} phản hồi của “{comment.name}”.", undo=token)

    def undo_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.can_moderate(request):
            raise PermissionDenied
        try:
            comment = actions.undo(request.POST.get("token", ""), request.user)
        except (ValueError, Comment.DoesNotExist):
            message = "Không thể hoàn tác: đã quá một phút hoặc không phải quyết định của bạn."
            if wants_json(request):
                return JsonResponse({"message": message}, status=409)
            self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(self._back(request))
        self.log_change(request, comment, [{"changed": {"fields": ["Hoàn tác"]}}])
        message = f"Đã hoàn tác: phản hồi của “{comment.name}” trở lại “{status_text(comment)}”."
        return self._answer(request, comment, message)

    def reply_view(self, request, pk):
        """A public reply (approving a pending comment), or with private=1 an e-mail to the
        reader. A public reply to a rejected or spam comment is refused (409), never
        published."""
        try:
            comment = self._comment_for(request, pk)
        except _NotAllowed:
            return HttpResponseNotAllowed(["POST"])
        content = request.POST.get("content", "")
        private = request.POST.get("private") == "1"
        try:
            if private:
                sent = actions.private_note(comment, request.user, content)
                if not sent:
                    return self._answer(
                        request, comment, "Chưa gửi được thư, vui lòng thử lại.", status=502
                    )
                self.log_change(request, comment, [{"added": {"name": "thư riêng", "object": comment.email}}])  # fmt: skip
                return self._answer(request, comment, f"Đã gửi thư riêng cho “{comment.name}”.")
            answer = actions.reply(comment, request.user, content)
        except actions.ReplyRefused as refused:
            return self._answer(request, comment, str(refused), status=409, can_note=True)
        except ValueError:
            return self._answer(request, comment, "Vui lòng nhập nội dung.", status=400)
        comment.refresh_from_db()
        self.log_change(request, comment, [{"added": {"name": "trả lời", "object": "Tòa soạn"}}])
        message = f"Đã đăng trả lời cho “{comment.name}”."
        return self._answer(request, comment, message, reply=answer.content)

    def edit_view(self, request, pk):
        try:
            comment = self._comment_for(request, pk)
        except _NotAllowed:
            return HttpResponseNotAllowed(["POST"])
        try:
            actions.save_edit(comment, request.POST.get("content", ""))
        except ValueError:
            return self._answer(request, comment, "Nội dung không được để trống.", status=400)
        self.log_change(request, comment, [{"changed": {"fields": ["nội dung"]}}])
        message = f"Đã sửa phản hồi của “{comment.name}”."
        return self._answer(request, comment, message, content=comment.content)

    def ban_view(self, request, pk):
        """Ban and hide: a confirmation page (GET), then block the sender and reject all
        their pending comments (POST)."""
        comment = self._comment_for(request, pk, post_only=False)
        form = BanForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            hours = form.cleaned_data["ip_hours"] or 0
            count = actions.ban(comment, request.user, ip_hours=hours, reason=form.cleaned_data["reason"])  # fmt: skip
            self.log_change(request, comment, [{"changed": {"fields": ["Chặn người gửi"]}}])
            self.message_user(
                request,
                f"Đã chặn {comment.email} và từ chối {count} phản hồi đang chờ của họ.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
        pending = Comment.objects.pending().filter(email=comment.email).count()
        context = {
            **self.admin_site.each_context(request),
            "title": f"Chặn người gửi {comment.email}",
            "comment": comment,
            "form": form,
            "pending": pending,
            "opts": self.model._meta,
            "back": self._back(request),
        }
        return TemplateResponse(request, "admin/comments/comment/ban.html", context)

    def _back(self, request) -> str:
        back = request.META.get("HTTP_REFERER", "")
        if back and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return back
        return reverse("admin:comments_comment_changelist")


class _NotAllowed(Exception):
    pass
