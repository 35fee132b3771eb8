from django import template

register = template.Library()


@register.filter
def lookup_key(mapping, key):
    """`{{ mapping|lookup_key:key }}`: a dict item by a variable key (None when absent)."""
    if not mapping:
        return None
    return mapping.get(key)
