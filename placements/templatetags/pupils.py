"""`{{ pupil|told_apart }}`: the year group and UPN ending shown beside a pupil's name wherever
names are listed, so two pupils of the same name are told apart (one filter, used everywhere)."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def told_apart(pupil):
    if pupil is None:
        return ""
    return format_html('<span class="apdash-told-apart">{}</span>', pupil.told_apart)


@register.simple_tag(takes_context=True)
def placement_links(context, placement):
    """The links other apps register for a placement (risk assessment, induction): one click away."""
    from placements.core.links import placement_links as links_for

    return links_for(context["request"].user, placement)
