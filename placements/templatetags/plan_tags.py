"""`{% plan_summary pupil %}`: the plan, milestones, reviews, qualifications and outcomes section
of the pupil page, from its own selector so the page's view needs no change."""

from django import template
from django.utils import timezone

from placements.plans.selectors import plan_summary as plan_summary_for

register = template.Library()


@register.inclusion_tag("placements/_plan_summary.html", takes_context=True)
def plan_summary(context, pupil):
    today = timezone.localdate()
    return {
        "summary": plan_summary_for(pupil, today=today),
        "pupil": pupil,
        "can_change": context["request"].user.has_perm("placements.change_pupil", pupil),
        "today": today,
    }
