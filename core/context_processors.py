import functools

from core.roles import Role, role_labels, roles_of


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": frozenset(), "my_role_labels": []}
    return {"my_roles": roles_of(user), "my_role_labels": role_labels(user), "Role": Role}


def notifications(request) -> dict:
    """The navbar bell's unread count: loaded with the session's user by
    `core.auth_backends.ModelBackendWithUnread` (no query of its own); otherwise a callable
    (templates call it when they use it), cached, so one COUNT query at most."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    loaded = getattr(user, "unread_notifications", None)
    if loaded is not None:
        return {"unread_notifications": loaded}
    from core.notifications import unread_count

    return {"unread_notifications": functools.cache(lambda: unread_count(user))}
