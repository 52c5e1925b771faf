from django import template

register = template.Library()


@register.filter
def dict_get(mapping, key):
    """`{{ row.values|dict_get:header }}`: look up a key that is not an identifier."""
    if not mapping:
        return None
    return mapping.get(key)
