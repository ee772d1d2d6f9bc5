"""The report's words in German and English, and its stylesheet (inline, like everything)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Dialogue oversight",
        "generated": "As of {when}. We promise readers a decision within {sla} hours.",
        "pending": "Waiting",
        "overdue": "Overdue",
        "decided": "Decided",
        "median_decision": "Median time to decision",
        "median_answer": "Median time to first team answer",
        "oldest": "Waiting longest",
        "chart_weeks": "Time to decision by department and week",
        "chart_weeks_note": "Median hours from a comment's arrival to its decision, by the week "
        "it arrived. Points above the dashed line broke our promise.",
        "hours": "hours",
        "week": "W{number}",
        "sla_line": "promise: {sla} h",
        "chart_overdue": "Overdue comments by author",
        "comments": "comments",
        "by_department": "By department",
        "by_author": "By author",
        "department": "Department",
        "author": "Author",
        "longest": "Comments waiting longest",
        "post": "Post",
        "waiting": "Waiting",
        "command": "To decide (for the moderator)",
        "yes": "yes",
        "nobody_waits": "No comment is waiting.",
        "footer": "Internal report of the comment moderation, made by `dialogue comments "
        "report`. Not part of the public site; it holds no reader's name, address or text.",
    },
    "de": {
        "title": "Dialog-Übersicht",
        "generated": "Stand {when}. Wir sagen Leserinnen und Lesern eine Entscheidung "
        "binnen {sla} Stunden zu.",
        "pending": "Wartend",
        "overdue": "Überfällig",
        "decided": "Entschieden",
        "median_decision": "Median bis zur Entscheidung",
        "median_answer": "Median bis zur ersten Antwort des Teams",
        "oldest": "Wartet am längsten",
        "chart_weeks": "Zeit bis zur Entscheidung nach Abteilung und Woche",
        "chart_weeks_note": "Median der Stunden vom Eingang eines Kommentars bis zur "
        "Entscheidung, nach Eingangswoche. Punkte über der gestrichelten Linie brechen unsere "
        "Zusage.",
        "hours": "Stunden",
        "week": "KW {number}",
        "sla_line": "Zusage: {sla} h",
        "chart_overdue": "Überfällige Kommentare nach Autorin und Autor",
        "comments": "Kommentare",
        "by_department": "Nach Abteilung",
        "by_author": "Nach Autorin und Autor",
        "department": "Abteilung",
        "author": "Autorin, Autor",
        "longest": "Am längsten wartende Kommentare",
        "post": "Beitrag",
        "waiting": "Wartet seit",
        "command": "Zum Entscheiden (für die Moderation)",
        "yes": "ja",
        "nobody_waits": "Kein Kommentar wartet.",
        "footer": "Interner Bericht der Kommentar-Moderation, erstellt mit `dialogue comments "
        "report`. Nicht Teil der öffentlichen Seite; er enthält keine Namen, Adressen oder "
        "Texte von Leserinnen und Lesern.",
    },
}


def words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["en"])


STYLE = """
:root{color-scheme:light;--ink:#1d2433;--muted:#5b6473;--line:#d9dee7;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:980px;margin:0 auto;padding:32px 24px 48px}
h1{font-size:1.7rem;margin:0 0 4px}h2{font-size:1.2rem;margin:0 0 8px}
header p,section>p,footer{color:var(--muted)}
.tiles{list-style:none;padding:0;margin:24px 0;display:grid;gap:12px;
grid-template-columns:repeat(auto-fit,minmax(160px,1fr))}
.tiles li{background:#fff;border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.tiles span{display:block;color:var(--muted);font-size:.85rem}
.tiles strong{font-size:1.6rem}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:20px;
margin:0 0 20px;overflow-x:auto}
svg{width:100%;height:auto;display:block}
.grid{stroke:var(--line)}.threshold{stroke:#d55e00;stroke-dasharray:6 4;stroke-width:1.5}
.line{fill:none;stroke-width:2.5}
.tick{font-size:12px;fill:var(--muted)}.legend{font-size:13px;fill:var(--ink)}
.axis{font-size:12px;fill:var(--muted)}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line)}
thead th{color:var(--muted);font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums}
tbody th{font-weight:500}
table.longest td:nth-child(3){white-space:nowrap}
table.longest td:last-child{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
"""
