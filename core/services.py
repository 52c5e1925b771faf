"""Small pieces the apps' services share: the keyword fields a create/update service takes."""


def refuse_unknown_fields(fields: dict, allowed) -> None:
    """A field the service does not know is a programming error, not the user's."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def current_with(instance, names, changes: dict) -> dict:
    """The instance's values of `names` with `changes` applied: what an update validates."""
    current = {name: getattr(instance, name) for name in names}
    current.update(changes)
    return current


def assign_fields(instance, values: dict) -> None:
    for name, value in values.items():
        setattr(instance, name, value)
