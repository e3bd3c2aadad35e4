"""`{% grid_cell row cell %}`: one cell of the coordinator's week register grid. Built in Python
because a big school's week has five hundred of them on a page, and the template language spent
most of the page's time on them."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

_NOT_TIMETABLED = mark_safe('<span class="govuk-hint" aria-label="Not timetabled">–</span>')


@register.simple_tag
def grid_cell(row, cell):
    if not cell.scheduled:
        return _NOT_TIMETABLED
    pupil = row.placement.pupil.full_name
    mark = cell.mark
    parts = [
        format_html(
            '<input class="govuk-input govuk-input--width-2{}" style="padding:2px" type="text" maxlength="2"'
            ' list="dfe-codes" id="{}" name="{}" value="{}" aria-label="{}, {}, {}"{}>',
            " govuk-input--error" if cell.missing else "",
            cell.name,
            cell.name,
            mark.code if mark else "",
            pupil,
            cell.day_name,
            cell.session,
            format_html(' title="{}"', mark.get_code_display()) if mark else "",
        )
    ]
    if mark and mark.minutes_late:
        parts.append(format_html("<br><span>{} min late</span>", mark.minutes_late))
    if cell.missing:
        parts.append(
            mark_safe('<br><strong class="govuk-!-font-weight-bold" style="color:#d4351c">Missing</strong>')
        )
    if cell.followed_up:
        parts.append(
            format_html(
                '<br><strong class="govuk-!-font-weight-bold" title="{}">Followed up</strong>'
                " <span>after {}</span>",
                cell.follow_up.get_outcome_display(),
                cell.elapsed,
            )
        )
    elif cell.needs_follow_up:
        if cell.follow_up:
            parts.append(mark_safe("<br><span>Not yet contacted</span>"))
        url = reverse(
            "placements:follow_up_create", args=[row.placement.pk, cell.day.isoformat(), cell.session]
        )
        parts.append(
            format_html(
                '<br><a class="govuk-link" href="{}">Follow up'
                '<span class="govuk-visually-hidden"> {}, {} {}</span></a>',
                url,
                pupil,
                cell.day_name,
                cell.session,
            )
        )
    return format_html_join("", "{}", ((part,) for part in parts))
