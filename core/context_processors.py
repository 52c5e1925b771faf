from core.roles import Role, role_labels, roles_of


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_roles": frozenset(), "my_role_labels": []}
    return {"my_roles": roles_of(user), "my_role_labels": role_labels(user), "Role": Role}
