"""The floors each measurement is compared with, on the same data in the same run.

- Each check: one hand-written SQL query answering the same question — the lower bound of asking
  the database. They ignore the finer points the checks get right (closures, half-term holidays,
  future periods) and write no flags: a floor, not a second implementation.
- The pack: WeasyPrint rendering a bare document of the same number of pages and similar density.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection

from apdash import thresholds

# Placement p active on %(today)s.
ACTIVE = "p.start_date <= %(today)s AND (p.end_date IS NULL OR p.end_date >= %(today)s)"

CHECK_SQL = {
    # Pupils over the hours or days limits at unregistered providers (G §3f, para 399).
    "hours": """
        SELECT p.pupil_id, p.provider_id
        FROM placements_placement p
        JOIN providers_provider v ON v.id = p.provider_id
        JOIN placements_timetableslot s ON s.placement_id = p.id
        WHERE v.registration_status = 'unregistered' AND (p.end_date IS NULL OR p.end_date >= %(today)s)
        GROUP BY p.pupil_id, p.provider_id
        HAVING sum(extract(epoch FROM s."end" - s.start)) / 3600 > %(hours_warning)s
            OR count(DISTINCT s.weekday) >= %(max_days)s
    """,
    # Placements without a seen visit in a half term of this year that has ended (G §1e).
    "visits": """
        SELECT p.id, h.id
        FROM placements_placement p
        JOIN placements_pupil pu ON pu.id = p.pupil_id
        JOIN apdash_school sc ON sc.id = pu.school_id
        JOIN apdash_halfterm h ON (h.partnership_id IS NULL OR h.partnership_id = sc.partnership_id)
        WHERE h.start_date >= %(year_start)s AND h.start_date <= %(today)s
          AND p.start_date <= h.end_date AND (p.end_date IS NULL OR p.end_date >= h.start_date)
          AND NOT EXISTS (
            SELECT 1 FROM placements_visit v
            WHERE v.placement_id = p.id AND v.pupil_seen AND v.date BETWEEN h.start_date AND h.end_date)
    """,
    # Timetabled sessions in the look-back without a mark, and absences not followed up (G §1c).
    "attendance": f"""
        SELECT p.id, d.day, ss.session
        FROM placements_placement p
        JOIN placements_timetableslot s ON s.placement_id = p.id
        CROSS JOIN generate_series(%(lookback_start)s::date, %(yesterday)s::date, '1 day') AS d(day)
        CROSS JOIN (VALUES ('AM'), ('PM')) AS ss(session)
        WHERE {ACTIVE}
          AND extract(isodow FROM d.day) - 1 = s.weekday
          AND ((ss.session = 'AM' AND s.start < '12:00') OR (ss.session = 'PM' AND s."end" > '12:00'))
          AND NOT EXISTS (
            SELECT 1 FROM placements_attendancemark m
            WHERE m.placement_id = p.id AND m.date = d.day AND m.session = ss.session)
        UNION ALL
        SELECT m.placement_id, m.date, m.session
        FROM placements_attendancemark m
        WHERE m.date BETWEEN %(lookback_start)s AND %(yesterday)s AND m.code IN ('N', 'O', 'U')
          AND NOT EXISTS (
            SELECT 1 FROM placements_followup f
            WHERE f.attendance_id = m.id AND f.outcome <> 'not_contacted')
    """,
    # Providers in use whose latest audit is too old or whose insurance has lapsed (G §3a–c).
    "audits": f"""
        SELECT v.id
        FROM providers_provider v
        LEFT JOIN LATERAL (
            SELECT a.audited_on, a.insurance_expires_on FROM providers_provideraudit a
            WHERE a.provider_id = v.id ORDER BY a.audited_on DESC, a.id DESC LIMIT 1) la ON true
        WHERE EXISTS (SELECT 1 FROM placements_placement p WHERE p.provider_id = v.id AND {ACTIVE})
          AND (la.audited_on IS NULL OR la.audited_on < %(audit_oldest)s
               OR la.insurance_expires_on < %(today)s)
    """,
    # Pupils with an active placement and no plan review in a half term of this year that has ended.
    "reviews": f"""
        SELECT DISTINCT p.pupil_id, h.id
        FROM placements_placement p
        JOIN placements_pupil pu ON pu.id = p.pupil_id
        JOIN apdash_school sc ON sc.id = pu.school_id
        JOIN apdash_halfterm h ON (h.partnership_id IS NULL OR h.partnership_id = sc.partnership_id)
        WHERE {ACTIVE} AND h.start_date >= %(year_start)s AND h.end_date < %(today)s
          AND p.start_date <= h.end_date
          AND NOT EXISTS (
            SELECT 1 FROM placements_review r JOIN placements_learningplan lp ON lp.id = r.plan_id
            WHERE lp.pupil_id = p.pupil_id AND r.date BETWEEN h.start_date AND h.end_date)
    """,
    # Concerns the DSL has not acknowledged in time (KCSIE).
    "concern_unacknowledged": """
        SELECT c.id FROM safeguarding_concern c
        WHERE c.status = 'new' AND c.raised_at < %(concern_due)s
    """,
    # Active placements without an approved, in-date risk assessment (G §4).
    "risk_assessment_missing": f"""
        SELECT p.id FROM placements_placement p
        WHERE {ACTIVE} AND NOT EXISTS (
            SELECT 1 FROM safeguarding_riskassessment r
            WHERE r.placement_id = p.id AND r.approved_at IS NOT NULL AND r.review_date >= %(today)s)
    """,
    # Active placements that began a while ago without an induction (G §3e).
    "induction_missing": f"""
        SELECT p.id FROM placements_placement p
        WHERE {ACTIVE} AND p.start_date <= %(induction_due)s
          AND NOT EXISTS (SELECT 1 FROM safeguarding_induction i WHERE i.placement_id = p.id)
    """,
    # Placements running today or later with no timetabled slot (G §1a).
    "timetable": """
        SELECT p.id FROM placements_placement p
        WHERE (p.end_date IS NULL OR p.end_date >= %(today)s)
          AND NOT EXISTS (SELECT 1 FROM placements_timetableslot s WHERE s.placement_id = p.id)
    """,
    # Placements starting within a few days or running, under an off-site direction without the
    # parents' notice, or at an unregistered provider without the LA told.
    "notices": """
        SELECT p.id FROM placements_placement p
        JOIN providers_provider v ON v.id = p.provider_id
        WHERE (p.end_date IS NULL OR p.end_date >= %(today)s) AND p.start_date <= %(today)s + 4
          AND ((p.off_site_direction AND p.parental_notice_sent_on IS NULL)
               OR (v.registration_status = 'unregistered' AND p.la_notified_on IS NULL))
    """,
    # Full-time placements at unregistered providers running longer than the planned limit (when
    # one is set; off by default, so the floor asks the same cheap question).
    "time_limits": """
        SELECT p.id FROM placements_placement p
        JOIN providers_provider v ON v.id = p.provider_id
        WHERE v.registration_status = 'unregistered' AND (p.end_date IS NULL OR p.end_date >= %(today)s)
    """,
    # Pupils with concerns who have left the roll and whose safeguarding file is not recorded as sent.
    "safeguarding_transfer": """
        SELECT pu.id FROM placements_pupil pu
        WHERE pu.left_on IS NOT NULL AND pu.left_on <= %(today)s
          AND EXISTS (SELECT 1 FROM safeguarding_concern c WHERE c.pupil_id = pu.id)
          AND NOT EXISTS (SELECT 1 FROM safeguarding_safeguardingtransfer t WHERE t.pupil_id = pu.id)
    """,
    # Providers whose URN the latest GIAS import lists as closed while pupils are placed there, or
    # does not list at all (para 399).
    "registration": """
        WITH latest AS (
            SELECT id FROM providers_giasimport ORDER BY extract_date DESC, id DESC LIMIT 1)
        SELECT v.id
        FROM providers_provider v
        CROSS JOIN latest
        LEFT JOIN providers_establishment e ON e.urn = trim(v.urn) AND e.last_import_id = latest.id
        WHERE v.urn <> ''
          AND (e.id IS NULL OR (e.status = 'Closed' AND EXISTS (
            SELECT 1 FROM placements_placement p
            WHERE p.provider_id = v.id AND (p.end_date IS NULL OR p.end_date >= %(today)s))))
    """,
}


def check_params(now, today, year_start) -> dict:
    limits = thresholds.hours_limits()
    lookback = thresholds.attendance_lookback_school_days()
    return {
        "today": today,
        "yesterday": today - timedelta(days=1),
        "lookback_start": today - timedelta(days=lookback * 7 // 5 + 1),
        "year_start": year_start,
        "hours_warning": limits.warning_hours,
        "max_days": limits.max_days,
        "audit_oldest": today - timedelta(days=thresholds.audit_max_age_days()),
        "concern_due": now - timedelta(hours=min(thresholds.concern_ack_hours().values())),
        "induction_due": today - timedelta(days=thresholds.induction_school_days() * 7 // 5),
    }


def run_check_sql(name: str, params: dict) -> int:
    with connection.cursor() as cursor:
        cursor.execute(CHECK_SQL[name], params)
        return len(cursor.fetchall())


def bare_document(pages: int, *, chars_per_page: int) -> str:
    """A plain HTML document of `pages` A4 pages, each a heading and a table holding about
    `chars_per_page` characters of text, like a pack's pupil pages."""
    cells = ("Pupil {n}", "B8012000{n:05d}", "Bench setting {n}", "{n} November 2026", "94.5%")
    row_chars = sum(len(c.format(n=10000)) for c in cells)
    rows_per_page = max(1, chars_per_page // row_chars)
    body = []
    for page in range(pages):
        rows = "".join(
            "<tr>" + "".join(f"<td>{c.format(n=page * rows_per_page + r)}</td>" for c in cells) + "</tr>"
            for r in range(rows_per_page)
        )
        body.append(
            f'<section style="page-break-after: always"><h2>Section {page + 1}</h2>'
            f"<table>{rows}</table></section>"
        )
    return (
        "<html><head><style>@page { size: A4; margin: 1.5cm; @bottom-right { content: counter(page) } }"
        "body { font-family: Arial, sans-serif; font-size: 9pt } td { padding: 1px 4px; "
        "border-bottom: 1px solid #ccc }</style></head><body>" + "".join(body) + "</body></html>"
    )


def pdf_chars_per_page(pdf: bytes) -> int:
    """How much text a PDF carries per page: the density the bare document copies."""
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    return sum(len(page.extract_text() or "") for page in pages) // max(1, len(pages))


def render_bare(pages: int, *, chars_per_page: int) -> int:
    """Render the bare document to PDF bytes; returns its page count."""
    from weasyprint import HTML

    document = HTML(string=bare_document(pages, chars_per_page=chars_per_page)).render()
    document.write_pdf()
    return len(document.pages)
