"""`{{ moment|patient_time:patient|date:"j M Y, H:i" }}`: a moment on the patient's clock
(`dietplanner.accounts.clock`)."""

from django import template
from django.templatetags.tz import do_timezone

from ..clock import user_zone

register = template.Library()


@register.filter(expects_localtime=False)
def patient_time(moment, patient):
    """The moment in the patient's zone, kept there by `|date` and `|time` ("" for none)."""
    if not moment:
        return ""
    return do_timezone(moment, user_zone(patient))
